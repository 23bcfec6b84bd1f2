package dev.linkvault.source;

import dev.linkvault.config.SourceConfig;
import dev.linkvault.s3.S3Clients;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.local.PathFilter;
import dev.linkvault.source.nextcloud.NextcloudSource;

/** Makes the source a config entry describes. */
public final class Sources {
    private Sources() {}

    /** @param workers files handled in parallel, so that a network source can size its connection pool */
    public static Source create(SourceConfig config, int workers) {
        if (config instanceof SourceConfig.Local l) {
            return new LocalSource(l.name(), l.path(), PathFilter.of(l.include(), l.ignore()));
        }
        if (config instanceof SourceConfig.Nextcloud n) {
            return new NextcloudSource(n, () -> S3Clients.create(n.s3(), workers));
        }
        throw new IllegalArgumentException("no source for " + config);
    }
}
