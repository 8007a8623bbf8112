package jvit.runtime.opencl;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import jvit.kernels.device.KernelProgram;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.runtime.io.IoErrors;

/**
 * A file of OpenCL program binaries for one device, as {@code vit kernels build} and
 * {@code vit kernels pack} write it and {@code --kernel-binary} reads it. FPGA toolchains compile
 * kernels offline, for hours, to images that programs are created from; the file carries them
 * with what it takes to refuse a wrong one before the driver sees it: the device they were made
 * for, and for each program its source file, definitions and source hash.
 *
 * <p>Layout, big-endian (Java's {@code DataOutput}); a string is a u32 byte count and UTF-8:
 * <pre>
 * magic      8 bytes, "JVITKBIN"
 * version    u32, 1
 * device     4 strings: CL_DEVICE_NAME, CL_DEVICE_VENDOR, CL_DRIVER_VERSION, CL_DEVICE_VERSION
 * count      u32, programs; then for each:
 *   file     string, such as "attention.cl"
 *   defines  u32 count, then strings such as "HEAD_DIM=64"
 *   source   string, SHA-256 (hex) of the source as compiled, includes expanded
 *   binary   u64 byte count, then bytes: CL_PROGRAM_BINARIES, or a vendor's .aocx or .xclbin
 * checksum   u32, CRC-32C of every byte before it
 * </pre>
 */
record KernelBinaryFile(DeviceIdentity device, List<Entry> programs) {
    static final String MAGIC = "JVITKBIN";
    static final int VERSION = 1;
    private static final String MAKE = "make one with `vit kernels build` (or `vit kernels pack`)";

    /** One program: which it is, the hash of the source it was built from, and its binary. */
    record Entry(KernelProgram program, String sourceHash, byte[] binary) {
        /** SHA-256 of the entry: two entries with the same fingerprint build the same program. */
        String fingerprint() {
            MessageDigest digest = sha256();
            digestInto(digest);
            return HexFormat.of().formatHex(digest.digest());
        }

        private void digestInto(MessageDigest digest) {
            List<String> parts = new ArrayList<>(List.of(program.file(), sourceHash));
            parts.addAll(program.defines());
            // Every part's length first, so that no two different lists of parts hash alike.
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(parts.size()).array());
            for (String part : parts) part(digest, part.getBytes(UTF_8));
            part(digest, binary);
        }
    }

    KernelBinaryFile {
        programs = List.copyOf(programs);
    }

    Optional<Entry> find(KernelProgram program) {
        return programs.stream().filter(e -> e.program().equals(program)).findFirst();
    }

    /** SHA-256 of the program's source as it is compiled; a binary whose hash differs was built from other kernels. */
    static String sourceHash(KernelProgram program) {
        return HexFormat.of().formatHex(sha256().digest(program.source().getBytes(UTF_8)));
    }

    /** SHA-256 of everything the file holds: two files with the same fingerprint load the same programs. */
    String fingerprint() {
        MessageDigest digest = sha256();
        for (Entry e : programs) e.digestInto(digest);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void part(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Replaces {@code file} atomically: a reader sees the old file or the whole new one. */
    void write(Path file) {
        AtomicFile.write(file, out -> {
            CRC32C crc = new CRC32C();
            DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
            data.write(MAGIC.getBytes(US_ASCII));
            data.writeInt(VERSION);
            for (String s : List.of(device.name(), device.vendor(), device.driver(), device.version())) string(data, s);
            data.writeInt(programs.size());
            for (Entry e : programs) {
                string(data, e.program().file());
                data.writeInt(e.program().defines().size());
                for (String d : e.program().defines()) string(data, d);
                string(data, e.sourceHash());
                data.writeLong(e.binary().length);
                data.write(e.binary());
            }
            data.flush();
            new DataOutputStream(out).writeInt((int) crc.getValue());
        });
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** Reads and checks a file; anything wrong with it is a {@link UserError} naming it. */
    static KernelBinaryFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw UserError.inFile(file, "cannot read: " + IoErrors.describe(e) + "; give a kernel binary file, or " + MAKE);
        }
        byte[] magic = MAGIC.getBytes(US_ASCII);
        int head = Math.min(bytes.length, magic.length);
        if (!Arrays.equals(bytes, 0, head, magic, 0, head))
            throw UserError.inFile(file, "is not a jvit kernel binary file (it does not start with " + MAGIC + "); " + MAKE);
        if (bytes.length < magic.length + 2 * Integer.BYTES) throw damaged(file);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - Integer.BYTES).position(magic.length);
        int version = in.getInt();
        if (version != VERSION)
            throw UserError.inFile(file, "has format version " + version + ", this jvit reads version " + VERSION + "; " + MAKE);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - Integer.BYTES);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - Integer.BYTES, Integer.BYTES).getInt()) throw damaged(file);
        try {
            DeviceIdentity device = new DeviceIdentity(string(in), string(in), string(in), string(in));
            int count = in.getInt();
            List<Entry> programs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String source = string(in);
                int defineCount = in.getInt();
                List<String> defines = new ArrayList<>();
                for (int d = 0; d < defineCount; d++) defines.add(string(in));
                String hash = string(in);
                programs.add(new Entry(new KernelProgram(source, defines), hash, bytes(in, in.getLong())));
            }
            if (in.hasRemaining()) throw damaged(file);
            return new KernelBinaryFile(device, programs);
        } catch (BufferUnderflowException | CharacterCodingException e) {
            throw damaged(file);
        }
    }

    /** Strictly UTF-8: a string that would not be written back as the same bytes is damage, not text. */
    private static String string(ByteBuffer in) throws CharacterCodingException {
        return UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes(in, in.getInt()))).toString();
    }

    private static byte[] bytes(ByteBuffer in, long n) {
        if (n < 0 || n > in.remaining()) throw new BufferUnderflowException();
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private static UserError damaged(Path file) {
        return UserError.inFile(file, "is truncated or damaged (its contents do not match its checksum); " + MAKE);
    }
}
