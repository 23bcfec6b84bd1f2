package dev.linkvault.source;

import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.local.PathFilter;

/** Makes the source a config entry describes. */
public final class Sources {
    private Sources() {}

    public static Source create(SourceConfig config) {
        if (config instanceof SourceConfig.Local l) {
            return new LocalSource(l.name(), l.path(), PathFilter.of(l.include(), l.ignore()));
        }
        throw new IllegalArgumentException("no source for " + config);
    }
}
