package dev.linkvault.s3;

import dev.linkvault.config.Secrets;
import dev.linkvault.config.SourceConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Makes the S3 client a source's settings describe: endpoint, region, path style, credentials
 * (from the environment or a file, else the SDK's default chain), a connection pool as large as
 * the worker pool, timeouts, and the SDK's standard retries with backoff on 5xx, throttling,
 * timeouts and resets.
 */
public final class S3Clients {
    private S3Clients() {}

    public static S3Client create(SourceConfig.S3 c, int connections) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(c.region()))
                .forcePathStyle(c.pathStyle())
                .credentialsProvider(credentials(c))
                // Many S3-compatible servers (and Nextcloud's objects) know no CRC checksums: ask only where required.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofMinutes(30)))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(Math.max(4, connections))
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (c.endpoint() != null) {
            b.endpointOverride(URI.create(c.endpoint()));
        }
        return b.build();
    }

    private static AwsCredentialsProvider credentials(SourceConfig.S3 c) {
        String access = Secrets.read(c.accessKey(), "the S3 access key");
        if (access == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        String secret = Secrets.read(c.secretKey(), "the S3 secret key");
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret));
    }
}
