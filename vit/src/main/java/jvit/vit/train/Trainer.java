package jvit.vit.train;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jvit.kernels.cpu.TopK;
import jvit.runtime.Tensor;
import jvit.runtime.schedule.Deployment;
import jvit.vit.ViTConfig;
import jvit.vit.data.Dataset;
import jvit.vit.data.EvaluationBatches;
import jvit.vit.data.TrainingBatches;
import jvit.vit.io.Json;
import jvit.vit.model.Inference;
import jvit.vit.model.ViTWeights;

/**
 * The training loop: one training-step graph recorded once and replayed per batch on a device,
 * validation after every epoch, checkpoints every few steps and at every epoch's end, the model
 * files, the metrics log and the chart kept current in the output directory.
 */
public final class Trainer {
    /** One epoch's figures, a line of {@code metrics.jsonl}. */
    public record EpochMetrics(int epoch, long step, double trainLoss, double trainAccuracy, double validationLoss,
                               double validationAccuracy, double learningRate, double imagesPerSecond, double seconds) {}

    private final ViTConfig config;
    private final TrainSettings settings;
    private final Deployment deployment;
    private final Path out;
    private final PrintWriter log;
    private final Progress progress;

    public Trainer(ViTConfig config, TrainSettings settings, Deployment deployment, Path out, PrintWriter log, Progress progress) {
        this.config = config;
        this.settings = settings;
        this.deployment = deployment;
        this.out = out;
        this.log = log;
        this.progress = progress;
    }

    /** Trains from scratch, or from the checkpoint in the output directory when {@code resume}; returns every epoch's metrics. */
    public List<EpochMetrics> run(TrainingBatches train, Dataset validation, boolean resume) {
        String settingsJson = Json.write(settingsMap());
        try (OutputDirectory held = OutputDirectory.open(out); Arena arena = Arena.ofShared()) {
            ViTWeights weights = ViTWeights.allocate(config, arena);
            Initialization.apply(weights, settings.seed());
            Optimizer optimizer = new Optimizer(weights, arena);
            Checkpoint.Position at = resume ? Checkpoint.read(out, optimizer, settingsJson) : Checkpoint.Position.START;
            List<EpochMetrics> history = resume ? MetricsLog.read(out, at.epoch()) : new ArrayList<>();
            if (resume) log.printf("resuming at epoch %d, batch %d (step %d)%n", at.epoch() + 1, at.batchInEpoch(), at.step());

            int batch = settings.batch(), classes = config.numLabels(), size = config.imageSize();
            var io = new TrainingGraph.Io(Tensor.allocate("images", arena, batch, config.channels(), size, size),
                    Tensor.allocate("labels", arena, batch), Tensor.allocate("schedule", arena, 3),
                    Tensor.allocate("losses", arena, batch), Tensor.allocate("logits", arena, batch, classes));
            long perEpoch = train.perEpoch(), total = perEpoch * settings.epochs();
            try (TrainingStep plan = TrainingStep.open(weights, optimizer, settings, io, deployment, arena)) {
                long step = at.step();
                for (int epoch = at.epoch(); epoch < settings.epochs(); epoch++) {
                    long started = System.nanoTime();
                    int first = epoch == at.epoch() ? at.batchInEpoch() : 0;
                    double lossSum = epoch == at.epoch() ? at.lossSum() : 0;
                    long correct = epoch == at.epoch() ? at.correct() : 0, seen = epoch == at.epoch() ? at.seen() : 0;
                    double lr = 0;
                    for (int b = first; b < perEpoch; b++, step++) {
                        train.fill(epoch, b, io.images().host(), io.labels().host());
                        lr = settings.learningRate(step, total);
                        schedule(io.schedule().host(), lr, step + 1);
                        plan.run();
                        for (int i = 0; i < batch; i++) {
                            lossSum += io.losses().host().getAtIndex(ValueLayout.JAVA_FLOAT, i);
                            if (TopK.argmax(io.logits().host(), i, classes) == (int) io.labels().host().getAtIndex(ValueLayout.JAVA_FLOAT, i)) correct++;
                        }
                        seen += batch;
                        progress.step(epoch, settings.epochs(), b + 1, perEpoch, lossSum / seen, (double) correct / seen, started, (b + 1 - first) * (long) batch);
                        boolean epochEnd = b + 1 == perEpoch;
                        if (epochEnd || (step + 1) % settings.checkpointEvery() == 0) {
                            plan.copyStateToHost();
                            Checkpoint.Position next = epochEnd ? new Checkpoint.Position(step + 1, epoch + 1, 0, 0, 0, 0)
                                    : new Checkpoint.Position(step + 1, epoch, b + 1, lossSum, correct, seen);
                            Checkpoint.write(out, optimizer, next, settingsJson);
                        }
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    double[] val = validate(weights, validation, arena);
                    var m = new EpochMetrics(epoch + 1, step, lossSum / seen, (double) correct / seen, val[0], val[1], lr,
                            (perEpoch - first) * (double) batch / seconds, seconds);
                    history.add(m);
                    progress.done();
                    log.printf("epoch %d/%d: train loss %.4f acc %.2f%%, validation loss %.4f acc %.2f%%, %.0f images/s, %.0f s%n",
                            m.epoch(), settings.epochs(), m.trainLoss(), 100 * m.trainAccuracy(), m.validationLoss(),
                            100 * m.validationAccuracy(), m.imagesPerSecond(), m.seconds());
                    log.flush();
                    MetricsLog.write(out, history);
                    TrainingChart.write(out, history);
                    ModelFiles.write(out, config, weights.fileTensors(), Map.of("format", "pt", "epoch", Integer.toString(epoch + 1)));
                }
            }
            return history;
        }
    }

    /** {@code [lr, 1 - β1^t, 1 - β2^t]} for optimiser step {@code t} (1-based). */
    private void schedule(MemorySegment s, double lr, long t) {
        s.setAtIndex(ValueLayout.JAVA_FLOAT, 0, (float) lr);
        s.setAtIndex(ValueLayout.JAVA_FLOAT, 1, (float) (1 - Math.pow(settings.beta1(), t)));
        s.setAtIndex(ValueLayout.JAVA_FLOAT, 2, (float) (1 - Math.pow(settings.beta2(), t)));
    }

    /** Mean loss (no label smoothing) and accuracy on the validation set; NaN for both when it is empty. */
    private double[] validate(ViTWeights weights, Dataset validation, Arena arena) {
        if (validation.count() == 0) return new double[] {Double.NaN, Double.NaN};
        int classes = config.numLabels();
        var batches = new EvaluationBatches(validation, config.preprocessing(), Math.min(settings.batch(), validation.count()));
        MemorySegment labels = arena.allocate(4L * batches.batchSize());
        double lossSum = 0;
        long correct = 0;
        try (Inference inference = new Inference(weights, deployment.first(), batches.batchSize())) {
            for (int b = 0; b < batches.count(); b++) {
                int n = batches.fill(b, inference.images(), labels);
                inference.run(false);
                for (int i = 0; i < n; i++) {
                    int label = (int) labels.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int c = 0; c < classes; c++) max = Math.max(max, logit(inference, i, classes, c));
                    for (int c = 0; c < classes; c++) sum += Math.exp(logit(inference, i, classes, c) - max);
                    lossSum += Math.log(sum) + max - logit(inference, i, classes, label);
                    if (TopK.argmax(inference.logits(), i, classes) == label) correct++;
                }
            }
        }
        return new double[] {lossSum / validation.count(), (double) correct / validation.count()};
    }

    private static double logit(Inference inference, int row, int classes, int c) {
        return inference.logits().getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * classes + c);
    }

    private Map<String, Object> settingsMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", ModelFiles.config(config));
        var r = settings;
        m.put("epochs", r.epochs()); m.put("batch", r.batch()); m.put("lr", r.lr()); m.put("min_lr", r.minLr());
        m.put("warmup_steps", r.warmupSteps()); m.put("weight_decay", r.weightDecay()); m.put("beta1", r.beta1());
        m.put("beta2", r.beta2()); m.put("eps", r.eps()); m.put("clip_norm", r.clipNorm()); m.put("label_smoothing", r.labelSmoothing());
        m.put("crop_padding", r.cropPadding()); m.put("flip", r.flip()); m.put("validation", r.validation()); m.put("seed", r.seed());
        m.put("checkpoint_every", r.checkpointEvery());
        return m;
    }
}
