package jvit.vit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jvit.runtime.UserError;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks of numeric options, reported as usage errors (exit status 1), and outputs that would destroy an input. */
final class Checks {
    private Checks() {}

    /** Pairs of option name and value; each value must be > 0. */
    static void positive(CommandSpec spec, Object... nameValue) {
        for (int i = 0; i < nameValue.length; i += 2)
            if (((Number) nameValue[i + 1]).longValue() <= 0)
                throw new ParameterException(spec.commandLine(), nameValue[i] + " must be positive, got " + nameValue[i + 1]);
    }

    static void nonNegative(CommandSpec spec, String name, long value) {
        if (value < 0) throw new ParameterException(spec.commandLine(), name + " must not be negative, got " + value);
    }

    static void nonNegative(CommandSpec spec, String name, double value) {
        if (!(value >= 0)) throw new ParameterException(spec.commandLine(), name + " must be a number >= 0, got " + value);
    }

    /**
     * Refuses an output file that is one of the command's input files by real path (through links,
     * {@code ..} and hard links alike), before anything is read: writing it would destroy the input.
     */
    static void notAnInput(String option, Path output, List<Path> inputs) {
        if (!Files.exists(output)) return;
        for (Path input : inputs) {
            try {
                if (Files.exists(input) && Files.isSameFile(output, input))
                    throw new UserError(option + " " + output + " is the input file " + input + "; give another file to write, or the input is lost");
            } catch (IOException unreadable) {
                // An input that cannot be read is reported when it is read.
            }
        }
    }

    /** The files directly in a folder; none when it cannot be listed (reported when it is read). */
    static List<Path> filesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException unreadable) {
            return List.of();
        }
    }
}
