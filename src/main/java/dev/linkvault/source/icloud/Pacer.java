package dev.linkvault.source.icloud;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One pace for every request to an account, shared by all workers (rclone's pacer: min 10 ms,
 * max 2 s, decay 2, here with jitter and a bound on tries). When Apple says slow down (503,
 * 429, THROTTLED, ZONE_BUSY) every caller waits, not only the one that was told; each success
 * halves the wait again.
 */
final class Pacer {
    static final long MIN_MS = 10;
    private final long maxMs;
    /** How many times one request is tried in all before it is reported. */
    final int attempts;
    private long delayMs;
    private long notBefore;

    Pacer(long maxMs, int attempts) {
        this.maxMs = maxMs;
        this.attempts = attempts;
    }

    /** Waits until the account may be asked again. */
    void await() throws InterruptedException {
        long wait;
        synchronized (this) {
            wait = notBefore - System.currentTimeMillis();
        }
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    /** Apple asked to slow down: the wait doubles (bounded), with up to a quarter of jitter. */
    synchronized void slowDown() {
        delayMs = Math.min(maxMs, Math.max(MIN_MS * 8, delayMs * 2));
        long jitter = ThreadLocalRandom.current().nextLong(delayMs / 4 + 1);
        notBefore = Math.max(notBefore, System.currentTimeMillis() + delayMs + jitter);
    }

    synchronized void ok() {
        delayMs = delayMs / 2 < MIN_MS ? 0 : delayMs / 2;
    }
}
