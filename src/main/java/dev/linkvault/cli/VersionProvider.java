package dev.linkvault.cli;

import picocli.CommandLine;

/** What {@code --version} and {@code linkvault version} print, on every command alike. */
final class VersionProvider implements CommandLine.IVersionProvider {
    static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"linkvault " + VERSION + " (repository format " + dev.linkvault.repo.Repository.FORMAT
                + ", Java " + System.getProperty("java.version") + ")"};
    }
}
