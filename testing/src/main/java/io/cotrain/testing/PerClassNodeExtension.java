package io.cotrain.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real node per test class and injects it as a parameter of its type into constructors, lifecycle and
 * test methods. The node lives in the class's extension store, which closes it when the class finishes, whether its
 * tests passed, failed or aborted.
 *
 * @param <N> the node type
 */
public abstract class PerClassNodeExtension<N extends AutoCloseable> implements BeforeAllCallback, ParameterResolver {
    private final Class<N> type;
    private final Supplier<N> start;

    /**
     * @param type the node type, injected where a parameter has exactly this type
     * @param start starts a node
     */
    protected PerClassNodeExtension(Class<N> type, Supplier<N> start) {
        this.type = type;
        this.start = start;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        node(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return node(context);
    }

    private N node(ExtensionContext context) {
        ExtensionContext classContext =
                context.getTestClass().isPresent() && context.getTestMethod().isPresent()
                        ? context.getParent().orElse(context)
                        : context;
        return classContext
                .getStore(ExtensionContext.Namespace.create(getClass()))
                .getOrComputeIfAbsent(type, key -> start.get(), type);
    }
}
