package dev.linkvault;

/**
 * A failure the user caused or can fix (bad config, locked repository, unusable filesystem).
 * The message is one line that names the thing and the fix; the CLI prints it without a stack trace.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, which decides the exit code. */
    public enum Kind { FATAL, LOCKED }

    private final Kind kind;

    public UserError(String message) {
        this(Kind.FATAL, message, null);
    }

    public UserError(String message, Throwable cause) {
        this(Kind.FATAL, message, cause);
    }

    public UserError(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
