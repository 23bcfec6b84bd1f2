package dev.linkvault.source.icloud;

import dev.linkvault.config.SourceConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** What {@code icloud login} and {@code icloud status} do, for the command line. */
public final class IcloudLogin {
    private IcloudLogin() {}

    /** How a login ended: {@code already} when the saved session was good and nothing was changed. */
    public record Outcome(boolean already, Instant trustEnds) {}

    /**
     * Logs in unless the saved session works (then it changes nothing).
     *
     * @param password the password, or null to have none (then Apple must accept the trust token alone)
     * @param pcsWait  how long to wait for a device to approve an Advanced Data Protection login
     */
    public static Outcome login(SourceConfig.Icloud config, String password, IcloudClient.Codes codes, Integer smsPhone,
                                Consumer<String> say, Duration pcsWait, String fixHint)
            throws IOException, InterruptedException {
        try (IcloudClient c = client(config, fixHint)) {
            if (c.sessionWorks() && c.account().webAccessAllowed()
                    && (!c.account().pcsRequired() || c.session().cookies.containsKey("X-APPLE-WEBAUTH-PCS-Documents"))) {
                return new Outcome(true, c.session().trustEnds());
            }
            if (password == null) {
                throw new IcloudException(IcloudException.Kind.NEEDS_LOGIN, "no password for " + config.appleId()
                        + ": set password-env or password-file on source '" + config.name() + "', or run this on a terminal");
            }
            c.session().dropWebSession();
            c.login(password, codes, smsPhone, say, pcsWait);
            return new Outcome(false, c.session().trustEnds());
        }
    }

    /** The saved session as a run would find it; asks Apple once ({@code validate}), never logs in. */
    public record Status(String appleId, String sessionFile, boolean valid, Instant trustEnds, boolean trustEndsSoon,
                         String advice) {}

    public static Status status(SourceConfig.Icloud config, String fixHint) throws IOException, InterruptedException {
        IcloudSession s;
        boolean saved;
        boolean valid;
        try (IcloudClient c = client(config, fixHint)) {
            s = c.session();
            saved = java.nio.file.Files.exists(s.file());
            valid = saved && c.sessionWorks();
        }
        Instant ends = s.trustEnds();
        boolean soon = ends != null && ends.isBefore(Instant.now().plus(IcloudSource.TRUST_WARNING));
        String advice;
        if (!saved || s.trustToken == null) {
            advice = "no login saved; run: " + fixHint;
        } else if (ends != null && ends.isBefore(Instant.now())) {
            advice = "Apple's trust has ended; run on a terminal: " + fixHint;
        } else if (soon) {
            advice = "Apple's trust ends soon; run on a terminal before then: " + fixHint;
        } else if (valid) {
            advice = "nothing to do; snapshots log in by themselves until the trust ends";
        } else {
            advice = "the web session has ended; the next snapshot renews it with the trust token";
        }
        return new Status(config.appleId(), s.file().toString(), valid, ends, soon, advice);
    }

    private static IcloudClient client(SourceConfig.Icloud config, String fixHint) throws IOException {
        return new IcloudClient(IcloudClient.Endpoints.of(config.auth(), config.setup()),
                IcloudSession.load(config.sessionDir(), config.appleId()), new Pacer(2000, 3), 2, fixHint);
    }
}
