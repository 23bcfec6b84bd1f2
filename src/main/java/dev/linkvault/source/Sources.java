package dev.linkvault.source;

import dev.linkvault.config.SourceConfig;
import dev.linkvault.s3.S3Clients;
import dev.linkvault.source.icloud.IcloudSource;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.mycloud.MycloudSource;
import dev.linkvault.source.nextcloud.NextcloudSource;
import java.nio.file.Path;

/** Makes the source a config entry describes. */
public final class Sources {
    private Sources() {}

    /**
     * @param workers files handled in parallel, so that a network source can size its connection pool
     * @param scratch a folder for large throw-away work files (the repository's .data/tmp)
     * @param keepOut a folder no source reads, even where it lies inside one (the repository)
     */
    public static Source create(SourceConfig config, int workers, Path scratch, Path keepOut) {
        return create(config, workers, scratch, keepOut, "linkvault");
    }

    /**
     * @param command how this run was started, to put in fix hints ({@code linkvault -c vault.yaml}):
     *                an iCloud source names {@code <command> icloud login}
     */
    public static Source create(SourceConfig config, int workers, Path scratch, Path keepOut, String command) {
        if (config instanceof SourceConfig.Icloud i) {
            return new IcloudSource(i, workers, scratch, keepOut == null ? null
                    : keepOut.resolve(".data/cache").resolve(i.name()), command + " icloud login");
        }
        if (config instanceof SourceConfig.Local l) {
            return new LocalSource(l.name(), l.path(), PathFilter.of(l.include(), l.ignore()), l.oneFileSystem(), keepOut);
        }
        if (config instanceof SourceConfig.Nextcloud n) {
            return new NextcloudSource(n, () -> S3Clients.create(n.s3(), workers), scratch);
        }
        if (config instanceof SourceConfig.Mycloud m) {
            return new MycloudSource(m, scratch);
        }
        throw new IllegalArgumentException("no source for " + config);
    }
}
