package jvit.runtime.opencl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jvit.kernels.device.KernelProgram;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.runtime.io.UserCache;

/**
 * Builds the programs of a kernel binary file in a child JVM before this one builds them. The
 * file's checksum catches damage, not a crafted file, and a driver may abort on a binary it
 * cannot parse (PoCL's LLVM does, on some): in this process that would end the JVM. A child that
 * dies, by a signal, an exit status or a hang past the limit, gets the file refused in one line;
 * a binary the driver rejects cleanly is left to this process to refuse, with the driver's words.
 *
 * <p>A file that passed is remembered under the user's cache directory ({@code kernel-binaries/},
 * see {@link UserCache}), by its programs' fingerprint and the device's identity, so that the check
 * (a JVM start and a build of each program) is paid once per file content and driver. Programs
 * this process compiled itself ({@link KernelBinaries#build}) need no check.
 */
final class BinaryProbe {
    /** Far more than building PoCL's programs takes; an FPGA image is loaded in this time too. */
    private static final Duration LIMIT = Duration.ofMinutes(5);
    /** Enough of what the child printed last to say why it failed, in a one-line message. */
    private static final int SAID_CHARS = 200;
    /** The fingerprints of programs compiled from source in this process. */
    private static final Set<String> MADE_HERE = ConcurrentHashMap.newKeySet();

    private final Path verdicts;
    private final Duration limit;
    private final Class<?> child;

    /** Remembers passed files in {@code verdicts}; runs {@code child}'s main with the device's id and a file's path. */
    BinaryProbe(Path verdicts, Duration limit, Class<?> child) {
        this.verdicts = verdicts;
        this.limit = limit;
        this.child = child;
    }

    static BinaryProbe standard() {
        return new BinaryProbe(UserCache.directory("kernel-binaries"), LIMIT, BinaryProbe.class);
    }

    /** A program whose binary the driver gave this process: building it again is safe. */
    static void madeHere(KernelBinaryFile.Entry entry) {
        MADE_HERE.add(entry.fingerprint());
    }

    /** Returns when every program of {@code file} builds on {@code device} without killing the process that builds it. */
    void require(Path path, KernelBinaryFile file, OpenCLDevice device) {
        if (file.programs().stream().allMatch(e -> MADE_HERE.contains(e.fingerprint()))) return;
        Path verdict = verdicts.resolve(key(file, device.identity()));
        if (Files.isRegularFile(verdict)) return;
        String death = runChild(file, device);
        if (death != null)
            throw UserError.inFile(path, "is not a valid kernel binary file for " + device + ": " + death
                    + "; make it again on this device with `vit kernels build`");
        try {
            Files.createDirectories(verdicts);
            AtomicFile.write(verdict, out -> out.write(("built in a child process on " + device.identity() + "\n").getBytes(UTF_8)));
        } catch (IOException | UserError e) {
            // A read-only home still runs: the file is checked again next time.
        }
    }

    private static String key(KernelBinaryFile file, DeviceIdentity device) {
        try {
            byte[] key = (file.fingerprint() + " " + device).getBytes(UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** How the child died building the file's programs, or null when it did not. */
    private String runChild(KernelBinaryFile file, OpenCLDevice device) {
        Path dir = null;
        Process p = null;
        try {
            // The child reads the bytes this process read (the file may change meanwhile), and works in a
            // folder of its own: a JVM that crashes writes its hs_err file there.
            dir = Files.createTempDirectory("jvit-kernel-binary-check");
            Path copy = dir.resolve("kernels.jvitk"), log = dir.resolve("child.log");
            file.write(copy);
            ProcessBuilder child = new ProcessBuilder(command(device.id(), copy)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // PoCL reads a binary's LLVM code only when its kernel cache lacks the binary's build hash: the
            // child gets an empty cache of its own, so it reads every binary, as this process will once its
            // cache is cleared. (Turning PoCL's cache off instead makes it fail on good binaries.)
            child.environment().put("POCL_CACHE_DIR", Files.createDirectory(dir.resolve("pocl-cache")).toString());
            p = child.start();
            if (!p.waitFor(limit)) {
                p.destroyForcibly().waitFor();
                return "building its programs in a child process did not finish in " + limit.toSeconds() + " s";
            }
            int status = p.exitValue();
            if (status == 0) return null;
            String said = lastLine(log);
            return status > 128 ? "building its programs killed a child process (signal " + (status - 128) + said + ")"
                    : "building its programs failed in a child process (exit status " + status + said + ")";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM to check the kernel binary file", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking a kernel binary file", e);
        } finally {
            if (p != null) p.destroyForcibly();
            if (dir != null) delete(dir);
        }
    }

    /**
     * This JVM's {@code java} running {@link #child}, with the jars (or folders) of jvit's runtime and
     * kernels on its class path: all the child loads, wherever this JVM found them.
     */
    private List<String> command(String deviceId, Path file) {
        String classPath = Stream.of(BinaryProbe.class, KernelProgram.class, child).map(BinaryProbe::location).distinct()
                .collect(Collectors.joining(File.pathSeparator));
        // -Xss8m as bin/vit runs: the driver's LLVM recurses deeply, and an overflow is no verdict on the file.
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Xss8m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", classPath,
                child.getName(), deviceId, file.toString());
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the class path of " + c, e);
        }
    }

    private static String lastLine(Path log) throws IOException {
        // Not the banner of '#' lines a crashing JVM prints.
        List<String> lines = Files.readAllLines(log, UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (lines.isEmpty()) return "";
        String line = lines.getLast();
        return ": " + (line.length() <= SAID_CHARS ? line : line.substring(0, SAID_CHARS) + "...");
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind.
        }
    }

    /**
     * The child: builds every program of the file ({@code args[1]}) on the device ({@code args[0]}),
     * as {@link BinaryLoader} builds them in the parent, and exits 0 unless the driver kills it. A
     * program refused in one line is refused so in the parent too; any other failure is one line
     * and exit status 1.
     */
    public static void main(String[] args) {
        try {
            buildAll(args[0], Path.of(args[1]));
        } catch (RuntimeException e) {
            System.err.println(e);
            System.exit(1);
        }
    }

    private static void buildAll(String deviceId, Path path) {
        OpenCLDevice device = (OpenCLDevice) new OpenCLBackend().devices().stream().filter(d -> d.id().equals(deviceId))
                .findFirst().orElseThrow(() -> new IllegalStateException("no device " + deviceId + " in the child process"));
        KernelBinaryFile file = KernelBinaryFile.read(path);
        BinaryLoader loader = new BinaryLoader(path, file, device.shared().context(), device.handle());
        for (KernelBinaryFile.Entry e : file.programs()) {
            try {
                CL.releaseProgram(loader.build(e.program()));
            } catch (UserError refused) {
                // The parent refuses it the same way.
            }
        }
    }
}
