package io.cotrain.contracts.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real anvil node per test class and injects it as an {@link AnvilNode} parameter into constructors,
 * lifecycle and test methods. The node lives in the class's extension store, which closes it (stopping the process)
 * when the class finishes, whether its tests passed, failed or aborted. Its log goes to {@code target/anvil/}.
 */
public final class AnvilExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AnvilExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        node(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AnvilNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return node(context);
    }

    private static AnvilNode node(ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent() && context.getTestMethod().isPresent()
                ? context.getParent().orElse(context)
                : context;
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(AnvilNode.class, key -> AnvilNode.start(Path.of("target", "anvil")), AnvilNode.class);
    }
}
