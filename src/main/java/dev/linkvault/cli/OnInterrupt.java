package dev.linkvault.cli;

/**
 * For commands with nothing to wind down on SIGINT or SIGTERM (restore, export): what is done
 * is complete, so the hook only tidies, says how to finish, and exits with the documented 130.
 * Closed when the command ends normally.
 */
final class OnInterrupt implements AutoCloseable {
    static final String MESSAGE = "interrupted; run the same command again to finish it";
    private final Thread hook;

    OnInterrupt(Runnable beforeExit) {
        hook = new Thread(() -> {
            try {
                beforeExit.run();
            } finally {
                Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
            }
        }, "linkvault-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it was a signal
        }
    }
}
