package dev.linkvault.config;

import java.nio.file.Path;
import java.util.List;

/** One entry of the config's {@code sources:} list. */
public sealed interface SourceConfig {
    /** The source's folder name in every snapshot. */
    String name();

    /** {@code type: local}: a folder on this machine. */
    record Local(String name, Path path, List<String> include, List<String> ignore) implements SourceConfig {}
}
