package io.cotrain.validator.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Databases for the event index's tests, migrated with the node's own Flyway migrations: a fresh in-memory H2 each
 * call, and a real PostgreSQL server (Debian's package, which {@code .ci/run} installs) started once per JVM in a
 * temporary directory, with a fresh database each call. As root (as CI runs) the server runs as the {@code postgres}
 * user, since PostgreSQL refuses to run as root.
 */
public final class IndexDatabases {
    private static PostgresServer postgres;

    private IndexDatabases() {}

    public static DataSource h2() {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return migrated(database);
    }

    public static synchronized DataSource postgresql() throws Exception {
        if (postgres == null) {
            postgres = PostgresServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop));
        }
        return migrated(postgres.newDatabase());
    }

    /** @return a JDBC URL of a fresh, empty PostgreSQL database on the shared server (not migrated) */
    public static synchronized String postgresqlUrl() throws Exception {
        postgresql(); // starts the server
        return postgres.newDatabaseUrl();
    }

    private static DataSource migrated(DataSource database) {
        Flyway.configure()
                .dataSource(database)
                .locations(LedgerStore.MIGRATIONS)
                .load()
                .migrate();
        return database;
    }

    /** A throwaway PostgreSQL cluster on a free loopback port, trusting local connections. */
    private static final class PostgresServer {
        private final Path bin;
        private final Path directory;
        private final int port;

        private PostgresServer(Path bin, Path directory, int port) {
            this.bin = bin;
            this.directory = directory;
            this.port = port;
        }

        static PostgresServer start() throws Exception {
            Path bin = binaries();
            Path directory = Files.createTempDirectory("cotrain-postgresql");
            if (isRoot()) {
                UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(directory, users.lookupPrincipalByName("postgres"));
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            PostgresServer server = new PostgresServer(bin, directory, port);
            server.run("initdb", "-D", server.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
            server.run(
                    "pg_ctl",
                    "-D",
                    server.data(),
                    "-w",
                    "-l",
                    directory.resolve("server.log").toString(),
                    "-o",
                    "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start");
            return server;
        }

        DataSource newDatabase() throws SQLException {
            PGSimpleDataSource database = new PGSimpleDataSource();
            database.setURL(newDatabaseUrl());
            return database;
        }

        String newDatabaseUrl() throws SQLException {
            String name = "index_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection admin = DriverManager.getConnection(url("postgres"));
                    Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            return url(name);
        }

        private String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
        }

        private String data() {
            return directory.resolve("data").toString();
        }

        void stop() {
            try {
                run("pg_ctl", "-D", data(), "-m", "immediate", "stop");
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(path -> path.toFile().delete());
                }
            } catch (Exception e) {
                System.err.println("cannot stop the test PostgreSQL server in " + directory + ": " + e);
            }
        }

        private void run(String program, String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            if (isRoot()) command.addAll(List.of("runuser", "-u", "postgres", "--"));
            command.add(bin.resolve(program).toString());
            command.addAll(List.of(arguments));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
        }

        private static boolean isRoot() {
            return "root".equals(System.getProperty("user.name").toLowerCase(Locale.ROOT));
        }

        /** @return the newest installed PostgreSQL's bin directory (Debian's layout) */
        private static Path binaries() throws IOException {
            Path installed = Path.of("/usr/lib/postgresql");
            if (!Files.isDirectory(installed)) {
                throw new IllegalStateException(
                        "PostgreSQL is not installed: install Debian's postgresql package (.ci/run does)");
            }
            try (Stream<Path> versions = Files.list(installed)) {
                return versions.filter(version -> Files.isExecutable(version.resolve("bin/postgres")))
                        .max(Comparator.comparing(version ->
                                Integer.parseInt(version.getFileName().toString())))
                        .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under " + installed))
                        .resolve("bin");
            }
        }
    }
}
