package dev.linkvault.source.nextcloud;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every nextcloud scenario of the database side again, with the rows in a real PostgreSQL started by the test. */
class NextcloudPostgresTest extends NextcloudSourceTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    boolean variesTheDatabase() {
        return true;
    }

    @Override
    String freshDatabase() throws Exception {
        String name = "nextcloud" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + name + "?user=postgres";
    }
}
