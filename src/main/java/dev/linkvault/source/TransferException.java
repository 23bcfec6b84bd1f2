package dev.linkvault.source;

import java.io.IOException;

/**
 * Reading a content over the network failed in a way that another try may not (a reset
 * connection, bytes that do not match the server's checksum). The engine tries again, a few
 * times with a pause, before it reports the file.
 */
public class TransferException extends IOException {
    private static final long serialVersionUID = 1L;

    public TransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
