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
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Makes the S3 client a source's settings describe: endpoint, region, path style, credentials
 * (from the environment or a file, else the SDK's default chain), a connection pool as large as
 * the worker pool, timeouts, and retries with exponential backoff and jitter on 5xx, throttling,
 * timeouts and resets, long enough to outlast a brown-out (see {@link Timing}).
 */
public final class S3Clients {
    private S3Clients() {}

    /**
     * How long S3 is waited for.
     *
     * @param retryBase  first pause before a request is tried again (then doubled, with jitter)
     * @param retryMax   the longest pause
     * @param attempts   tries of one request in all: with the defaults a request keeps trying for
     *                   at least 75 s, which outlasts a brown-out of a minute; there is no shared
     *                   retry quota (token bucket) that many failing requests at once could empty
     * @param downAfter  no request answered for this long, and one more fails for good: the store
     *                   is down, and the run stops as a whole rather than failing file by file
     * @param slowWindow a download that gets fewer than {@code slowBytes} (or the rest of its
     *                   object) in this window is cut and tried again: bytes trickling in cannot
     *                   hold a worker for ever
     */
    public record Timing(Duration retryBase, Duration retryMax, int attempts, Duration downAfter,
                         Duration slowWindow, long slowBytes) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(20), 12,
                Duration.ofSeconds(90), Duration.ofSeconds(30), 64 * 1024);
    }

    public static S3Client create(SourceConfig.S3 c, int connections) {
        return create(c, connections, Timing.DEFAULT);
    }

    public static S3Client create(SourceConfig.S3 c, int connections, Timing t) {
        BackoffStrategy backoff = BackoffStrategy.exponentialDelayHalfJitter(t.retryBase(), t.retryMax());
        RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .circuitBreakerEnabled(false)
                .maxAttempts(t.attempts())
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(backoff)
                .build();
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(c.region()))
                .forcePathStyle(c.pathStyle())
                .credentialsProvider(credentials(c))
                // Many S3-compatible servers (and Nextcloud's objects) know no CRC checksums: ask only where required.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(retries)
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
