package dev.linkvault.source;

import java.io.IOException;

/** A tree of files to snapshot. Sources are read-only: nothing here ever writes to one. */
public interface Source extends AutoCloseable {
    /** The source's name, unique in a config; what the catalog files its objects under. */
    String name();

    /**
     * Whether entry keys are {@code /}-separated paths delivered folder by folder, so that what
     * is known of one folder can be looked up at once.
     */
    default boolean keysArePaths() {
        return false;
    }

    /**
     * Whether an entry's {@link Entry#knownSha1()} may be taken as its content when a blob of that
     * SHA-1 and size is stored (no read at all), rather than only checked after reading.
     */
    default boolean trustsKnownSha1() {
        return false;
    }

    /**
     * The scans that follow read no content at all (preflight, a dry run): a source that must
     * read some to know its tree (an iCloud package) delivers such a thing as one file instead.
     */
    default void listOnly() {}

    /** Fails fast, before anything is written, when the source cannot be read at all. */
    default void check() throws IOException {}

    /**
     * Streams every entry to the sink, with paths relative to the snapshot folder (their first
     * component is a top folder of this source's own, such as its name). Memory must not grow
     * with the number of entries.
     *
     * @throws IOException when the source as a whole cannot be read (missing folder, database down)
     */
    void scan(Sink sink) throws IOException, InterruptedException;

    /**
     * How many files and bytes a scan would deliver, if the source can tell more cheaply than by
     * scanning (which is what happens when this gives null). For a progress estimate.
     */
    default Estimate estimate() throws IOException {
        return null;
    }

    /** Files and bytes a scan would deliver. */
    record Estimate(long files, long bytes) {}

    /**
     * Tells of stored bytes no name refers to (objects without a row, files without a row), one
     * line each; sources without such a split have none. Reads only.
     */
    default void reportOrphans(java.util.function.Consumer<String> out) throws IOException {}

    /** Releases connections (database, S3) the source opened. */
    @Override
    default void close() {}
}
