package dev.linkvault.ingest;

/** What a snapshot run tells whoever watches it. Called from the run's threads; keep it quick. */
public interface ProgressListener {
    /** How much a problem matters. */
    enum Severity { ERROR, WARNING, NOTE }

    default void started(String snapshot, boolean resumed) {}

    default void sourceStarted(String source) {}

    /** A file was done: {@code read} from its source (else known unchanged), {@code stored} as a new blob. */
    default void file(String path, boolean read, boolean stored) {}

    /** One path had a problem: errors make the run's exit code non-zero, notes do not. */
    default void problem(Severity severity, String path, String message) {}

    /** Whether the run should also count the sources up front so that progress can show an ETA. */
    default boolean wantsEstimate() {
        return false;
    }
}
