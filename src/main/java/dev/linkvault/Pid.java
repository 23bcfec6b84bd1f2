package dev.linkvault;

import java.nio.file.Files;
import java.nio.file.Path;

/** This process's id, for lock holders and unique scratch names. */
public final class Pid {
    private Pid() {}

    private static long pid = -1;

    /**
     * The id, read once from the {@code /proc/self} link where there is one: the JDK's
     * {@code ProcessHandle.current()} sets up its process machinery first, about 20 ms of every
     * writing command's start.
     */
    public static synchronized long current() {
        if (pid < 0) {
            try {
                pid = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
            } catch (java.io.IOException | NumberFormatException | UnsupportedOperationException e) {
                pid = ProcessHandle.current().pid();
            }
        }
        return pid;
    }
}
