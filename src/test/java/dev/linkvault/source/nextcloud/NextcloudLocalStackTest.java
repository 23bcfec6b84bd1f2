package dev.linkvault.source.nextcloud;

import dev.linkvault.s3.S3Clients;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;

/**
 * Every nextcloud scenario against LocalStack's S3, for machines with a Docker engine. Without one
 * the class is skipped (S3Proxy in the JVM carries the same scenarios in NextcloudSourceTest).
 */
@Testcontainers(disabledWithoutDocker = true)
class NextcloudLocalStackTest extends NextcloudSourceTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer("localstack/localstack:4.13.1").withServices("s3");

    /** Hides NextcloudSourceTest's: LocalStack replaces the in-JVM server. */
    @BeforeAll
    static void startS3() throws Exception {
        URI endpoint = LOCALSTACK.getEndpoint();
        wire = new CountingProxy(endpoint.getHost(), endpoint.getPort());
        direct = S3Clients.create(s3Config(endpoint.toString(), "any", null), 4);
    }

    @AfterAll
    static void stopS3() throws Exception {
        direct.close();
        wire.close();
    }
}
