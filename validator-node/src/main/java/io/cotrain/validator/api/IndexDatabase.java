package io.cotrain.validator.api;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Which database holds the gateway's event index, chosen at start from {@code cotrain.gateway.index-url}: PostgreSQL
 * for a {@code jdbc:postgresql:} URL, H2 for a {@code jdbc:h2:} one, and without one an H2 file in the data directory
 * (in memory on a pure gateway without one). Quarkus fixes a datasource's kind at build time, so the node is built with
 * one datasource of each kind and this factory gives a JDBC URL to the chosen one and makes the other inactive
 * (registered in {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}).
 *
 * @param datasource the name of the Quarkus datasource to use
 * @param jdbcUrl its JDBC URL
 */
public record IndexDatabase(String datasource, String jdbcUrl) {
    /** The datasource names, as in {@code application.properties}. */
    public static final String H2 = "index-h2";

    public static final String POSTGRESQL = "index-postgresql";

    /** The index's file in the data directory, without H2's {@code .mv.db} suffix. */
    static final String FILE_NAME = "ledger-index";

    /**
     * @param url {@code cotrain.gateway.index-url}, if set
     * @param dataDirectory {@code cotrain.data-directory}, if set
     * @return the database to use, empty for a URL of another kind (the configuration's validation reports it)
     */
    public static Optional<IndexDatabase> choose(Optional<String> url, Optional<Path> dataDirectory) {
        if (url.isEmpty()) {
            return Optional.of(new IndexDatabase(
                    H2,
                    dataDirectory
                            .map(directory -> "jdbc:h2:file:"
                                    + directory.resolve(FILE_NAME).toAbsolutePath())
                            .orElse("jdbc:h2:mem:" + FILE_NAME + ";DB_CLOSE_DELAY=-1")));
        }
        if (url.get().startsWith("jdbc:postgresql:")) return Optional.of(new IndexDatabase(POSTGRESQL, url.get()));
        if (url.get().startsWith("jdbc:h2:")) return Optional.of(new IndexDatabase(H2, url.get()));
        return Optional.empty();
    }

    private String other() {
        return datasource.equals(H2) ? POSTGRESQL : H2;
    }

    /** Gives the chosen datasource its URL, and the PostgreSQL one its account; the other one is made inactive. */
    public static final class ConfigFactory implements ConfigSourceFactory {
        @Override
        public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
            Map<String, String> properties = new HashMap<>();
            choose(
                            value(context, "cotrain.gateway.index-url"),
                            value(context, "cotrain.data-directory").map(Path::of))
                    .ifPresent(chosen -> properties.put(property(chosen.datasource(), "jdbc.url"), chosen.jdbcUrl()));
            value(context, "cotrain.gateway.index-username")
                    .ifPresent(user -> properties.put(property(POSTGRESQL, "username"), user));
            value(context, "cotrain.gateway.index-password")
                    .ifPresent(password -> properties.put(property(POSTGRESQL, "password"), password));
            // below application.properties (250): an operator's own quarkus.datasource.* settings win
            return List.of(new PropertiesConfigSource(properties, "cotrain-index-database", 200));
        }

        private static String property(String datasource, String key) {
            return "quarkus.datasource." + datasource + "." + key;
        }

        private static Optional<String> value(ConfigSourceContext context, String name) {
            ConfigValue value = context.getValue(name);
            return Optional.ofNullable(value == null ? null : value.getValue()).filter(v -> !v.isBlank());
        }
    }
}
