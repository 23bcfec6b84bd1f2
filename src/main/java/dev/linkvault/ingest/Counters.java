package dev.linkvault.ingest;

import java.util.concurrent.atomic.AtomicLong;

/** Live figures of a running snapshot, readable from any thread (for a progress display). */
public final class Counters {
    public final AtomicLong files = new AtomicLong();
    public final AtomicLong dirs = new AtomicLong();
    public final AtomicLong symlinks = new AtomicLong();
    public final AtomicLong bytes = new AtomicLong();
    public final AtomicLong filesRead = new AtomicLong();
    public final AtomicLong bytesRead = new AtomicLong();
    public final AtomicLong newBlobs = new AtomicLong();
    public final AtomicLong newBytes = new AtomicLong();
    public final AtomicLong errors = new AtomicLong();
    /** Files and bytes the sources hold in all, once counted; -1 until then. */
    public final AtomicLong estimatedFiles = new AtomicLong(-1);
    public final AtomicLong estimatedBytes = new AtomicLong(-1);
    /** Files of each source so far, by source name. */
    public final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> sourceFiles =
            new java.util.concurrent.ConcurrentHashMap<>();

    AtomicLong sourceFiles(String source) {
        return sourceFiles.computeIfAbsent(source, k -> new AtomicLong());
    }
}
