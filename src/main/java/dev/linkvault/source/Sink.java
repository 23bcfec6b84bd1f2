package dev.linkvault.source;

import java.util.List;

/** Where a source delivers what it finds, in a deterministic order, parents before children. */
public interface Sink {
    /** Takes one entry; may block while the engine catches up. */
    void entry(Entry entry) throws InterruptedException;

    /** Something under {@code path} could not be read: a per-file error, the scan goes on. */
    void error(List<String> path, String message);

    /** Something was left out on purpose (a socket, a device): said once, not an error. */
    void note(List<String> path, String message);

    /** Something a user must know about what is stored (encrypted contents): said once, not an error. */
    default void warning(List<String> path, String message) {
        note(path, message);
    }
}
