package dev.linkvault.cli;

import dev.linkvault.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tells the world how a snapshot went, as the config's {@code notify:} block says: healthchecks.io
 * pings ({@code URL/start} when it starts, {@code URL} when it ends with exit 0, {@code URL/fail}
 * otherwise, the end of the run's output as the body) and a command run with the outcome in its
 * environment. A notification that fails is said on stderr and never changes the run's exit code.
 */
final class Notifier {
    private static final int TRIES = 3;
    private final Config.Notify notify;
    private final PrintWriter err;
    private final HttpClient http;

    Notifier(Config.Notify notify, PrintWriter err) {
        this.notify = notify;
        this.err = err;
        this.http = notify.healthchecks() == null ? null
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    void started() {
        ping("/start", "");
    }

    /**
     * @param log the last part of what the run printed (stdout and stderr)
     */
    void finished(int exitCode, String outcome, String snapshot, Long errors, String log) {
        ping(exitCode == ExitCodes.OK ? "" : "/fail", log);
        if (notify.command().isEmpty()) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(notify.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("LINKVAULT_STATUS", outcome);
        env.put("LINKVAULT_EXIT_CODE", Integer.toString(exitCode));
        env.put("LINKVAULT_SNAPSHOT", snapshot == null ? "" : snapshot);
        env.put("LINKVAULT_ERRORS", errors == null ? "" : Long.toString(errors));
        env.put("LINKVAULT_LOG", log);
        try {
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                err.println("note: notify command " + notify.command().get(0) + " did not finish in 60 s; ended");
            } else if (p.exitValue() != 0) {
                err.println("note: notify command " + notify.command().get(0) + " exited " + p.exitValue());
            }
        } catch (IOException e) {
            err.println("note: notify command " + notify.command().get(0) + " could not run: "
                    + dev.linkvault.IoErrors.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ping(String suffix, String body) {
        if (http == null) {
            return;
        }
        String url = notify.healthchecks() + suffix;
        String why = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 400) {
                    return;
                }
                why = "HTTP " + r.statusCode();
            } catch (IOException | IllegalArgumentException e) {
                why = dev.linkvault.IoErrors.reason(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        err.println("note: the healthchecks ping " + url + " failed (" + why + ", tried " + TRIES + " times); the"
                + " snapshot itself is not affected");
    }
}
