package dev.linkvault.config;

import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.file.Files;

/** Reads secrets from where the config says they are. Values are never logged or put in messages. */
public final class Secrets {
    private Secrets() {}

    /**
     * The secret's value, or null when none is configured.
     *
     * @param what what the secret is for, for the error message ("the database password")
     */
    public static String read(SourceConfig.Secret s, String what) {
        if (s.env() != null) {
            String v = System.getenv(s.env());
            if (v == null || v.isEmpty()) {
                throw new UserError("environment variable " + s.env() + " (" + what + ") is not set; export it before"
                        + " running linkvault, or name a file with the matching -file setting");
            }
            return v;
        }
        if (s.file() != null) {
            try {
                return Files.readString(s.file()).strip();
            } catch (IOException e) {
                throw new UserError("cannot read " + s.file() + " (" + what + "): " + dev.linkvault.IoErrors.reason(e)
                        + "; check the path and its permissions");
            }
        }
        return null;
    }
}
