package jvit.vit.train;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.CRC32C;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.vit.io.FloatTensor;
import jvit.vit.io.Safetensors;

/**
 * Everything needed to resume training exactly, in one safetensors file written atomically (temp
 * file, fsync, rename), so that a run killed at any moment leaves either the previous checkpoint
 * or the new one: the parameters, AdamW's moments, and in the metadata the step reached and the
 * settings. The data order and augmentation are functions of (seed, epoch, batch), so no random
 * state need be saved. A CRC-32C over all of it is checked before anything is loaded, so a damaged
 * file is refused rather than resumed from.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";
    private static final String FORMAT = "jvit-train-2";
    /** Metadata key of the CRC-32C over every tensor (name, shape, data) and every other metadata entry, in name order. */
    private static final String CHECKSUM = "crc32c";

    /**
     * Where training stands: {@code step} optimiser steps done, the next being batch
     * {@code batchInEpoch} of {@code epoch}, and the running sums of that epoch so far.
     */
    public record Position(long step, int epoch, int batchInEpoch, double lossSum, long correct, long seen) {
        public static final Position START = new Position(0, 0, 0, 0, 0, 0);
    }

    private static final long CHUNK = 1 << 30;

    private Checkpoint() {}

    public static void write(Path dir, Optimizer optimizer, Position at, String settingsJson) {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (Optimizer.Slot s : optimizer.slots()) {
            tensors.put(s.param().name(), tensor(s.param()));
            tensors.put("adamw.m." + s.param().name(), tensor(s.m()));
            tensors.put("adamw.v." + s.param().name(), tensor(s.v()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("step", Long.toString(at.step()));
        metadata.put("epoch", Integer.toString(at.epoch()));
        metadata.put("batch_in_epoch", Integer.toString(at.batchInEpoch()));
        metadata.put("epoch_loss_sum", Double.toString(at.lossSum()));
        metadata.put("epoch_correct", Long.toString(at.correct()));
        metadata.put("epoch_seen", Long.toString(at.seen()));
        metadata.put("settings", settingsJson);
        Map<String, MemorySegment> data = new LinkedHashMap<>();
        tensors.forEach((name, t) -> data.put(name, t.data().asSlice(0, 4 * FloatTensor.elements(t.shape()))));
        metadata.put(CHECKSUM, checksum(data, n -> tensors.get(n).shape(), metadata));
        Safetensors.write(dir.resolve(FILE), tensors, metadata);
    }

    /**
     * Reads a checkpoint into the optimizer's host tensors; returns where training stood. The
     * settings must be those the checkpoint was made with (else resuming would not reproduce).
     */
    public static Position read(Path dir, Optimizer optimizer, String settingsJson) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
            throw UserError.inFile(dir, "has no " + FILE + " to resume from; start without --resume");
        try (Safetensors s = Safetensors.open(file)) {
            Map<String, String> meta = s.metadata();
            if (!FORMAT.equals(meta.get("format")))
                throw UserError.inFile(file, "is not a jvit training checkpoint of this version (format " + meta.get("format")
                        + ", this jvit writes " + FORMAT + "); start without --resume");
            Map<String, MemorySegment> data = new LinkedHashMap<>();
            for (String name : s.names()) data.put(name, s.floats(name));
            if (!checksum(data, s::shape, meta).equals(meta.get(CHECKSUM)))
                throw UserError.inFile(file, "is damaged (its CRC-32C does not match its contents); start without --resume,"
                        + " or restore the file from a backup");
            if (!settingsJson.equals(meta.get("settings")))
                throw UserError.inFile(file, "was made with other settings (" + meta.get("settings")
                        + "); resume with the same options, or start afresh in another --out directory");
            for (Optimizer.Slot slot : optimizer.slots()) {
                load(s, file, slot.param().name(), slot.param());
                load(s, file, "adamw.m." + slot.param().name(), slot.m());
                load(s, file, "adamw.v." + slot.param().name(), slot.v());
            }
            try {
                return new Position(Long.parseLong(meta.get("step")), Integer.parseInt(meta.get("epoch")),
                        Integer.parseInt(meta.get("batch_in_epoch")), Double.parseDouble(meta.get("epoch_loss_sum")),
                        Long.parseLong(meta.get("epoch_correct")), Long.parseLong(meta.get("epoch_seen")));
            } catch (RuntimeException e) {
                throw UserError.inFile(file, "has a damaged step/epoch record; start afresh");
            }
        }
    }

    private static void load(Safetensors s, Path file, String name, Tensor into) {
        if (!s.contains(name) || !java.util.Arrays.equals(s.shape(name), into.shape()))
            throw UserError.inFile(file, "has no tensor '" + name + "' of shape " + java.util.Arrays.toString(into.shape())
                    + "; it was made for another model");
        MemorySegment.copy(s.floats(name), 0, into.host(), 0, into.bytes());
    }

    private static String checksum(Map<String, MemorySegment> data, Function<String, long[]> shapes, Map<String, String> metadata) {
        CRC32C crc = new CRC32C();
        for (String name : new TreeSet<>(data.keySet())) {
            crc.update(name.getBytes(StandardCharsets.UTF_8));
            for (long d : shapes.apply(name)) crc.update(ByteBuffer.allocate(8).putLong(0, d));
            MemorySegment bytes = data.get(name);
            for (long at = 0; at < bytes.byteSize(); at += CHUNK)
                crc.update(bytes.asSlice(at, Math.min(CHUNK, bytes.byteSize() - at)).asByteBuffer());
        }
        for (var e : new TreeMap<>(metadata).entrySet()) {
            if (e.getKey().equals(CHECKSUM)) continue;
            crc.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Long.toHexString(crc.getValue());
    }

    private static FloatTensor tensor(Tensor t) {
        return new FloatTensor(t.shape(), t.host());
    }
}
