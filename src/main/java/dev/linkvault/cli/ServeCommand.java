package dev.linkvault.cli;

import dev.linkvault.UserError;
import dev.linkvault.web.WebServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Browse the vault in a web browser: the last run, snapshots, folders, a file's versions,"
                + " downloads (checked against SHA-1), folders as zip, search, diff. Read-only: no lock, nothing written.",
            "Listens on 127.0.0.1:8517; any other address needs --auth-file (users made by --add-user).",
            "Examples: linkvault -c vault.yaml serve; linkvault serve --add-user alice --auth-file /etc/linkvault/web-users;"
                    + " linkvault serve --listen 0.0.0.0:8517 --auth-file /etc/linkvault/web-users"
                    + " --tls-cert cert.pem --tls-key key.pem"})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8517",
            description = "Where to listen (default ${DEFAULT-VALUE}; port 0: any free one).")
    String listen;

    @Option(names = "--auth-file", paramLabel = "FILE", description = "The users file (NAME:bcrypt lines); needed off"
            + " the loopback address; for --add-user default ~/.config/linkvault/web-users.")
    Path authFile;

    @Option(names = "--add-user", paramLabel = "NAME", description = "Add NAME to the users file (or give it a new"
            + " password), asked on the terminal or read as one line from stdin; then exit.")
    String addUser;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "HTTPS: the certificate chain (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "HTTPS: its unencrypted PKCS#8 key (PEM).")
    Path tlsKey;

    /** Where the server runs once started (for tests: the port it got). */
    static volatile WebServer running;

    @Override
    public Integer call() throws Exception {
        if (addUser != null) {
            return addUser();
        }
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new UserError("--listen " + listen + " is not HOST:PORT; for example 127.0.0.1:8517");
        }
        String host = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon).replaceAll("^\\[|\\]$", "");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new UserError("HTTPS needs both --tls-cert and --tls-key");
        }
        Path repo = top.repository();
        try (WebServer server = new WebServer(repo, new WebServer.Options(host, port, authFile,
                tlsCert == null ? null : new dev.linkvault.web.Tls.Files(tlsCert, tlsKey)))) {
            server.start();
            running = server;
            String scheme = tlsCert == null ? "http" : "https";
            top.out.println("serving " + repo + " at " + scheme + "://" + (host.contains(":") ? "[" + host + "]" : host)
                    + ":" + server.port() + "/ (read-only" + (authFile == null ? "" : ", users of " + authFile)
                    + "); Ctrl-C stops it");
            if (tlsCert == null && authFile != null && !InetAddress.getByName(host).isLoopbackAddress()) {
                top.err.println("note: passwords cross the network unencrypted; give --tls-cert and --tls-key for HTTPS");
            }
            top.out.flush();
            server.join();
        } finally {
            running = null;
        }
        return ExitCodes.OK;
    }

    private int addUser() throws Exception {
        Path file = authFile != null ? authFile : top.homeDir.resolve(".config/linkvault/web-users");
        char[] password;
        java.io.Console console = System.console();
        if (console != null) {
            password = console.readPassword("password for %s: ", addUser);
            char[] again = console.readPassword("again: ");
            if (password == null || again == null || !java.util.Arrays.equals(password, again)) {
                throw new UserError("the two passwords differ; run it again");
            }
        } else {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new UserError("no password on stdin; pipe it in (printf '%s\\n' \"$PW\" | linkvault serve --add-user "
                        + addUser + ") or run it on a terminal");
            }
            password = line.toCharArray();
        }
        dev.linkvault.web.WebServer.addUser(file, addUser, password);
        top.out.println("user " + addUser + " saved in " + file + "; serve with: linkvault serve --auth-file " + file);
        return ExitCodes.OK;
    }
}
