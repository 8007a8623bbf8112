package jvit.vit.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks of numeric options, reported as usage errors (exit status 1). */
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
}
