package jvit.kernels.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device kernel sources, resources under {@code jvit/kernels/device/}. A source's
 * {@code #include "x.h"} lines are replaced by the header's text, so that a compiler given one
 * string (OpenCL's clCreateProgramWithSource, NVRTC) needs no include path into a jar; headers
 * carry include guards, so one included twice is harmless.
 */
public final class KernelSources {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([\\w.]+)\"\\s*$");

    private KernelSources() {}

    /** The text of {@code file} with its includes expanded. */
    public static String read(String file) {
        Matcher m = INCLUDE.matcher(resource(file));
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(read(m.group(1))));
        m.appendTail(out);
        return out.toString();
    }

    private static String resource(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalArgumentException("no device kernel source " + file + " in jvit/kernels/device/");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read device kernel source " + file, e);
        }
    }
}
