package dev.linkvault.cli;

import dev.linkvault.config.PythonToolConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "import-config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Print a linkvault config made from a nextcloud-s3-backup config.",
            "That tool took the database and S3 settings on its command line: give them here, or edit the"
                    + " CHANGE-ME lines. Then: linkvault init --adopt <backup_root_path>.",
            "Example: linkvault import-config nc-backup.yaml --db-url jdbc:postgresql://db/nextcloud > vault.yaml"})
final class ImportConfigCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "FILE", description = "The nextcloud-s3-backup config (YAML or JSON).")
    Path file;

    @Option(names = "--db-url", paramLabel = "JDBC-URL", description = "Nextcloud's database, e.g. jdbc:postgresql://db/nextcloud.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
    String dbUser;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "What --s3-endpoint-url was.")
    String endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "What --s3-region-name was.")
    String region;

    @Override
    public Integer call() {
        top.out.print(PythonToolConfig.convert(file, new PythonToolConfig.Connection(dbUrl, dbUser, endpoint, region)));
        return ExitCodes.OK;
    }
}
