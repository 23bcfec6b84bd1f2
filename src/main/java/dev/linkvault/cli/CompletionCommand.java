package dev.linkvault.cli;

import dev.linkvault.UserError;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Print a shell completion script for linkvault's commands and options.",
            "Examples: source <(linkvault completion bash)   (in ~/.bashrc);"
                    + " linkvault completion zsh > \"${fpath[1]}/_linkvault\";"
                    + " linkvault completion fish > ~/.config/fish/completions/linkvault.fish"})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish")
    String shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = switch (shell) {
            // picocli's script serves bash, and zsh through its bash-completion emulation
            case "bash" -> AutoComplete.bash("linkvault", root);
            case "zsh" -> "#compdef linkvault\nautoload -U +X compinit && compinit\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n" + AutoComplete.bash("linkvault", root);
            case "fish" -> fish(root.getCommandSpec());
            default -> throw new UserError("no completion for shell '" + shell + "'; give bash, zsh or fish");
        };
        top.out.print(script);
        top.out.flush();
        return ExitCodes.OK;
    }

    /** fish's completions: the commands when none is typed yet, then each command's own options. */
    static String fish(CommandSpec root) {
        StringBuilder sb = new StringBuilder("# linkvault completion for fish: linkvault completion fish > ~/.config/fish/completions/linkvault.fish\n");
        sb.append("complete -c linkvault -f\n");
        for (OptionSpec o : root.options()) {
            option(sb, "", o);
        }
        for (var e : root.subcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (!e.getKey().equals(sub.name())) {
                continue; // an alias
            }
            sb.append("complete -c linkvault -n '__fish_use_subcommand' -a ").append(e.getKey())
                    .append(" -d ").append(quote(first(sub.usageMessage().description()))).append('\n');
            for (OptionSpec o : sub.options()) {
                if (o.inherited()) {
                    continue;
                }
                option(sb, "-n '__fish_seen_subcommand_from " + e.getKey() + "' ", o);
            }
        }
        return sb.toString();
    }

    private static void option(StringBuilder sb, String condition, OptionSpec o) {
        sb.append("complete -c linkvault ").append(condition);
        for (String n : o.names()) {
            if (n.startsWith("--")) {
                sb.append("-l ").append(n.substring(2)).append(' ');
            } else if (n.length() == 2) {
                sb.append("-s ").append(n.substring(1)).append(' ');
            }
        }
        if (o.arity().max() > 0) {
            sb.append(o.type() == java.nio.file.Path.class ? "-r -F " : "-r ");
        }
        sb.append("-d ").append(quote(first(o.description()))).append('\n');
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0].replace("%%", "%");
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
