package io.cotrain.ipfs.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real js-ipfs node per test class and injects it as an {@link IpfsNode} parameter into constructors,
 * lifecycle and test methods. The node lives in the class's extension store, which closes it (stopping the process)
 * when the class finishes, whether its tests passed, failed or aborted. Its repository and log go to
 * {@code target/ipfs/}.
 */
public final class IpfsExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(IpfsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        node(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == IpfsNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return node(context);
    }

    private static IpfsNode node(ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent() && context.getTestMethod().isPresent()
                ? context.getParent().orElse(context)
                : context;
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(IpfsNode.class, key -> IpfsNode.start(Path.of("target", "ipfs")), IpfsNode.class);
    }
}
