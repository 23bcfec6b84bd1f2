package dev.linkvault.source.icloud;

import java.io.IOException;

/** What Apple answered that ends a login or a run; the message is one line with the fix. */
public final class IcloudException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why, which decides whether a run may go on. */
    public enum Kind {
        /** A code, a password or a fresh trust is needed: only {@code icloud login} can give it. */
        NEEDS_LOGIN,
        WRONG_PASSWORD,
        WRONG_CODE,
        /** Apple refuses for now (503 on the login, THROTTLED): try later, never in a loop. */
        THROTTLED,
        /** Advanced Data Protection: a device has not approved this browser yet. */
        ADP_PENDING,
        /** "Access iCloud Data on the Web" is switched off. */
        WEB_ACCESS_OFF,
        /** The session died and renewing it once did not help. */
        SESSION_DEAD,
        /** An answer this client does not understand. */
        PROTOCOL
    }

    private final Kind kind;

    public IcloudException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
