package jvit.vit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.runtime.UserError;
import jvit.runtime.io.AtomicFile;
import jvit.vit.io.Json;

/** {@code metrics.jsonl}: one JSON object per epoch, rewritten whole (atomically) after each epoch. */
public final class MetricsLog {
    public static final String FILE = "metrics.jsonl";

    private MetricsLog() {}

    public static void write(Path dir, List<Trainer.EpochMetrics> history) {
        StringBuilder text = new StringBuilder();
        for (Trainer.EpochMetrics m : history) text.append(Json.write(map(m))).append('\n');
        AtomicFile.write(dir.resolve(FILE), out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The epochs before {@code epochs} from the log, for a resumed run to continue. */
    public static List<Trainer.EpochMetrics> read(Path dir, int epochs) {
        Path file = dir.resolve(FILE);
        List<Trainer.EpochMetrics> history = new ArrayList<>();
        if (!Files.exists(file)) return history;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                Map<?, ?> o = (Map<?, ?>) Json.parse(line);
                var m = new Trainer.EpochMetrics(num(o, "epoch").intValue(), num(o, "step").longValue(), dbl(o, "train_loss"),
                        dbl(o, "train_accuracy"), dbl(o, "validation_loss"), dbl(o, "validation_accuracy"), dbl(o, "lr"),
                        dbl(o, "images_per_s"), dbl(o, "seconds"));
                if (m.epoch() <= epochs) history.add(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw UserError.inFile(file, "is damaged (" + e.getMessage() + "); delete it to resume without the earlier epochs' figures");
        }
        return history;
    }

    static Map<String, Object> map(Trainer.EpochMetrics m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("epoch", m.epoch());
        o.put("step", m.step());
        o.put("train_loss", m.trainLoss());
        o.put("train_accuracy", m.trainAccuracy());
        o.put("validation_loss", finite(m.validationLoss()));
        o.put("validation_accuracy", finite(m.validationAccuracy()));
        o.put("lr", m.learningRate());
        o.put("images_per_s", m.imagesPerSecond());
        o.put("seconds", m.seconds());
        return o;
    }

    /** JSON has no NaN: an epoch without validation writes null. */
    private static Object finite(double x) { return Double.isFinite(x) ? x : null; }

    private static Number num(Map<?, ?> o, String key) { return (Number) o.get(key); }

    private static double dbl(Map<?, ?> o, String key) {
        Object v = o.get(key);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
