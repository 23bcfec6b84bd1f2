package dev.linkvault.cli;

/** Exit codes; spec/cli.md is their contract. */
final class ExitCodes {
    static final int OK = 0;
    /** Finished, but some files had errors (listed on stderr and in the manifest). */
    static final int PARTIAL = 1;
    /** Nothing or not everything done: usage, config, repository or source problem. */
    static final int FATAL = 2;
    /** Another linkvault holds the repository's writer lock. */
    static final int LOCKED = 3;
    /** Stopped by SIGINT or SIGTERM; a snapshot is left resumable. */
    static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
