package jvit.spark;

import java.io.PrintWriter;
import jvit.runtime.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vit spark}: jvit's commands that run as Spark jobs. {@code bin/vit spark ...} starts it in
 * a JVM with Spark on the class path; on a cluster it is the application jar's main class, for
 * {@code spark-submit}. Exit status as {@code vit}'s: 0, 1 on a user error (one line), 2 on an internal error.
 */
@Command(name = "vit spark", mixinStandardHelpOptions = true, versionProvider = SparkMain.Version.class, description = "Batch inference as Apache Spark jobs.",
        subcommands = {ClassifyJob.class, CommandLine.HelpCommand.class})
public final class SparkMain implements Runnable {
    static final int USER_ERROR = 1, INTERNAL_ERROR = 2;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new SparkMain());
        cli.setOut(out).setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("vit spark: " + e.getMessage() + " (see `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help`)");
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            UserError user = userError(e);
            err.println("vit spark: " + (user != null ? user.getMessage() : "internal error: " + e
                    + (System.getenv("JVIT_DEBUG") == null ? " (a bug in jvit; run again with JVIT_DEBUG=1 for the stack trace and report it)" : "")));
            if (System.getenv("JVIT_DEBUG") != null) e.printStackTrace(err);
            return user != null ? USER_ERROR : INTERNAL_ERROR;
        });
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The user error behind {@code e}: Spark wraps what failed a task in its own exceptions. */
    static UserError userError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof UserError u) return u;
        return null;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed: classify");
    }

    static final class Version implements CommandLine.IVersionProvider {
        public String[] getVersion() {
            String v = SparkMain.class.getPackage().getImplementationVersion();
            return new String[] {"jvit " + (v == null ? "development build" : v) + " on Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                    + ", Java " + Runtime.version()};
        }
    }
}
