package dev.linkvault.source.icloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.config.SourceConfig;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Logging in to the fake iCloud as {@code icloud login} and a cron run do. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IcloudLoginTest {
    static final String PASSWORD = "correct horse battery staple";
    static final String HINT = "linkvault -c vault.yaml icloud login";
    @TempDir
    Path dir;
    FakeIcloud apple;
    final List<String> said = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        apple = new FakeIcloud("Alice@Example.com", PASSWORD);
    }

    @AfterEach
    void stop() {
        apple.close();
    }

    static SourceConfig.Icloud config(FakeIcloud apple, Path sessions) {
        return new SourceConfig.Icloud("icloud", apple.appleId, SourceConfig.Secret.NONE, sessions, false, true,
                List.of(), List.of(), apple.authEndpoint(), apple.setupEndpoint(), 10, 4);
    }

    IcloudLogin.Outcome login(String password, String code) throws Exception {
        return IcloudLogin.login(config(apple, dir.resolve("sessions")), password, where -> code, null, said::add,
                Duration.ofSeconds(5), HINT);
    }

    JsonNode session() throws Exception {
        return new ObjectMapper().readTree(Files.readString(IcloudSession.fileOf(dir.resolve("sessions"), apple.appleId)));
    }

    /** The source's check: what a snapshot from cron does before anything is written. */
    void cronRun() throws Exception {
        try (IcloudSource s = new IcloudSource(config(apple, dir.resolve("sessions")), 2, Files.createDirectories(
                dir.resolve("scratch")), null, HINT)) {
            s.check();
        }
    }

    /** The source as a snapshot makes it, its password in a file. */
    IcloudSource withPassword() throws Exception {
        SourceConfig.Icloud c = new SourceConfig.Icloud("icloud", apple.appleId,
                new SourceConfig.Secret(null, Files.writeString(dir.resolve("pw"), PASSWORD)), dir.resolve("sessions"),
                false, true, List.of(), List.of(), apple.authEndpoint(), apple.setupEndpoint(), 10, 4);
        return new IcloudSource(c, 2, Files.createDirectories(dir.resolve("scratch")), null, HINT);
    }

    @Test
    void firstLoginTakesThePushedCodeThenCronLogsInAgainWithTheTrustTokenAndNoCode() throws Exception {
        IcloudLogin.Outcome first = login(PASSWORD, apple.code);
        assertFalse(first.already());
        assertEquals(1, apple.codesPushed.get(), "the code is asked for with PUT /verify/trusteddevice/securitycode");
        assertTrue(said.stream().anyMatch(s -> s.contains("trusted devices")), said.toString());
        Path file = IcloudSession.fileOf(dir.resolve("sessions"), apple.appleId);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        JsonNode s = session();
        assertTrue(s.path("trust_token").asText().startsWith("HSARMTKNSRVXWFla-"), s.toString());
        assertNotNull(first.trustEnds());
        assertTrue(first.trustEnds().isAfter(Instant.now().plus(Duration.ofDays(29))));
        // the headers Apple's web client sends on idmsa
        var h = apple.lastHeaders.get("/appleauth/auth/signin/complete");
        assertEquals(IcloudClient.WIDGET_KEY, h.getFirst("X-Apple-OAuth-Client-Id"));
        assertEquals("firstPartyAuth", h.getFirst("X-Apple-OAuth-Client-Type"));
        assertNotNull(h.getFirst("scnt"), "the scnt of the previous answer goes back");
        assertNotNull(h.getFirst("X-Apple-ID-Session-Id"));
        assertTrue(h.getFirst("Cookie").contains("aasp="), "idmsa's cookie goes back to idmsa");
        String toSetup = apple.lastHeaders.get("/setup/ws/1/accountLogin").getFirst("Cookie");
        assertTrue(toSetup == null || !toSetup.contains("aasp="), "and to no iCloud host: " + toSetup);

        // a day later Apple has ended the web session and the session token; the trust token is good
        apple.killSessions();
        int inits = apple.signinInits.get();
        try (IcloudSource src = withPassword()) {
            src.check();
        }
        assertEquals(inits + 1, apple.signinInits.get(), "one SRP login with the trust token");
        assertEquals(1, apple.codesPushed.get(), "no second code");
        assertEquals(s.path("trust_token").asText(), session().path("trust_token").asText());
    }

    @Test
    void loginAgainWhileTheSessionIsGoodChangesNothing() throws Exception {
        login(PASSWORD, apple.code);
        JsonNode before = session();
        int inits = apple.signinInits.get();
        IcloudLogin.Outcome again = login(PASSWORD, apple.code);
        assertTrue(again.already());
        assertEquals(inits, apple.signinInits.get(), "no login was made");
        assertEquals(1, apple.codesPushed.get());
        assertEquals(before.path("trust_token"), session().path("trust_token"));
        assertEquals(before.path("trusted_since"), session().path("trusted_since"));
    }

    @Test
    void aCronRunWithTheSessionGoneAndNoPasswordStopsWithTheFixAndNeverPrompts() throws Exception {
        login(PASSWORD, apple.code);
        apple.killSessions();
        var e = assertThrows(dev.linkvault.UserError.class, this::cronRun);
        assertTrue(e.getMessage().contains("asks for the password") && e.getMessage().endsWith(HINT), e.getMessage());
    }

    @Test
    void expiredTrustUnderCronStopsWithTheFixAndAsksForNoCode() throws Exception {
        login(PASSWORD, apple.code);
        apple.killSessions();
        apple.advance(Duration.ofDays(31));
        try (IcloudSource src = withPassword()) {
            var e = assertThrows(dev.linkvault.UserError.class, src::check);
            assertTrue(e.getMessage().contains("verification code") && e.getMessage().endsWith("run: " + HINT), e.getMessage());
        }
        assertEquals(1, apple.codesPushed.get(), "a cron run never asks Apple to send a code");
    }

    @Test
    void aWrongPasswordAWrongCodeAndAThrottledLoginAreOneLineEach() throws Exception {
        var wrongPw = assertThrows(IcloudException.class, () -> login("not it", apple.code));
        assertEquals(IcloudException.Kind.WRONG_PASSWORD, wrongPw.kind());
        assertTrue(wrongPw.getMessage().contains("password") && !wrongPw.getMessage().contains("\n"));

        var wrongCode = assertThrows(IcloudException.class, () -> login(PASSWORD, "000000"));
        assertEquals(IcloudException.Kind.WRONG_CODE, wrongCode.kind());
        assertTrue(wrongCode.getMessage().contains("-21669"), wrongCode.getMessage());

        apple.throttleLogins = true;
        var throttled = assertThrows(IcloudException.class, () -> login(PASSWORD, apple.code));
        assertEquals(IcloudException.Kind.THROTTLED, throttled.kind());
        assertTrue(throttled.getMessage().contains("503"), throttled.getMessage());
    }

    @Test
    void noCodeWhereNoneCanBeAskedIsTheFixNotAWait() throws Exception {
        var e = assertThrows(IcloudException.class, () -> login(PASSWORD, null));
        assertEquals(IcloudException.Kind.NEEDS_LOGIN, e.kind());
        assertTrue(e.getMessage().contains("--code"), e.getMessage());
    }

    @Test
    void bothPasswordProtocolsTheSmsPathApples2026ConflictAndANon2faAccountLogIn() throws Exception {
        apple.protocol = "s2k_fo";
        apple.conflictOnGoodCode = true;
        IcloudLogin.Outcome o = IcloudLogin.login(config(apple, dir.resolve("a")), PASSWORD, where -> apple.code, 1,
                said::add, Duration.ofSeconds(5), HINT);
        assertFalse(o.already());
        assertEquals(1, apple.smsSent.get());
        assertEquals(0, apple.codesPushed.get());

        apple.protocol = "s2k";
        apple.legacyAccount = true;
        IcloudLogin.login(config(apple, dir.resolve("b")), PASSWORD, where -> {
            throw new AssertionError("a non-2FA account is never asked for a code");
        }, null, said::add, Duration.ofSeconds(5), HINT);
    }

    @Test
    void advancedDataProtectionWaitsForTheDeviceOnLoginAndStopsACronRunUntilThen() throws Exception {
        apple.adp = true;
        login(PASSWORD, apple.code);
        assertTrue(apple.adpConsented, "the login asked for consent and waited for it");
        assertTrue(said.stream().anyMatch(s -> s.contains("approve")), said.toString());
        cronRun(); // granted: the PCS cookie is in the session
        apple.adpConsented = false;
        apple.killSessions();
        try (IcloudSource src = withPassword()) {
            var e = assertThrows(dev.linkvault.UserError.class, src::check);
            assertTrue(e.getMessage().contains("Advanced Data Protection") && e.getMessage().endsWith(HINT), e.getMessage());
        }
    }

    @Test
    void webAccessSwitchedOffIsNamedWithTheFix() throws Exception {
        apple.webAccess = false;
        var e = assertThrows(IcloudException.class, () -> login(PASSWORD, apple.code));
        assertEquals(IcloudException.Kind.WEB_ACCESS_OFF, e.kind());
        assertTrue(e.getMessage().contains("Access iCloud Data on the Web"), e.getMessage());
    }

    @Test
    void theFakeAcceptsProofsOfBothPaddingStylesAndTheClientsMatchAnIndependentComputation() {
        byte[] salt = new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] p = Srp.passwordKey("pw", salt, 100, "s2k");
        assertEquals(FakeIcloud.hex(FakeIcloud.pbkdf2(FakeIcloud.sha256("pw".getBytes()), salt, 100)),
                FakeIcloud.hex(p), "BouncyCastle's PBKDF2 and the fake's HMAC loop agree");
        byte[] fo = Srp.passwordKey("pw", salt, 100, "s2k_fo");
        assertEquals(FakeIcloud.hex(FakeIcloud.pbkdf2(FakeIcloud.hex(FakeIcloud.sha256("pw".getBytes())).getBytes(), salt, 100)),
                FakeIcloud.hex(fo));
        assertEquals(256, Srp.pad(BigInteger.TWO).length);
        assertEquals(1, Srp.minimal(BigInteger.TWO).length);
    }
}
