package jvit.vit.cli;

import java.io.PrintWriter;
import jvit.runtime.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vit} command. Exit status: 0 on success, 1 on a user error (one line saying what to
 * do), 2 on an internal error (set {@code JVIT_DEBUG=1} for the stack trace).
 */
@Command(name = "vit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Vision Transformers from Java on CPUs, GPUs and FPGAs: inference, training, benchmarks.",
        // `vit spark` runs in a JVM of its own with Spark on the class path (bin/vit starts it), so it is no subcommand here.
        footer = {"  spark     Classify images listed in a Spark DataFrame, on local cores or a",
                "              cluster (`vit spark classify --help`)."},
        subcommands = {DevicesCommand.class, DemoCommand.class, ClassifyCommand.class, ForwardCommand.class,
                TrainCommand.class, EvalCommand.class, BenchCommand.class, KernelsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int USER_ERROR = 1, INTERNAL_ERROR = 2;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out).setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("vit: " + e.getMessage() + " (see `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help`)");
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            err.println("vit: " + message(e));
            if (System.getenv("JVIT_DEBUG") != null) e.printStackTrace(err);
            err.flush();
            return e instanceof UserError ? USER_ERROR : INTERNAL_ERROR;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("vit: " + message(e));
            return USER_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static String message(Throwable e) {
        return switch (e) {
            case UserError u -> u.getMessage();
            case OutOfMemoryError oom -> "out of memory (" + oom.getMessage() + "); use a smaller --batch or give the JVM more"
                    + " with JVIT_JAVA_OPTS=-Xmx...";
            default -> "internal error: " + e + (System.getenv("JVIT_DEBUG") == null
                    ? " (a bug in jvit; run again with JVIT_DEBUG=1 for the stack trace and report it)" : "");
        };
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed: devices, demo, classify, forward, train, eval, bench or kernels");
    }

    static final class Version implements CommandLine.IVersionProvider {
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jvit " + (v == null ? "development build" : v) + " on Java " + Runtime.version()};
        }
    }
}
