package jvit.vit.train;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import jvit.vit.chart.LineChart;
import jvit.vit.chart.LineChart.Panel;
import jvit.vit.chart.LineChart.Series;

/** {@code training.png}: loss and accuracy per epoch, training and validation side by side. */
public final class TrainingChart {
    public static final String FILE = "training.png";

    private TrainingChart() {}

    public static void write(Path dir, List<Trainer.EpochMetrics> history) {
        new LineChart("ViT on Fashion-MNIST", "epoch", List.of(
                new Panel("loss", "cross-entropy", List.of(
                        new Series("train (label-smoothed)", values(history, Trainer.EpochMetrics::trainLoss)),
                        new Series("validation", values(history, Trainer.EpochMetrics::validationLoss)))),
                new Panel("accuracy", "accuracy (%)", List.of(
                        new Series("train (augmented)", values(history, m -> 100 * m.trainAccuracy())),
                        new Series("validation", values(history, m -> 100 * m.validationAccuracy()))))))
                .write(dir.resolve(FILE), 1200, 450);
    }

    private static double[] values(List<Trainer.EpochMetrics> history, ToDoubleFunction<Trainer.EpochMetrics> f) {
        return history.stream().mapToDouble(f).toArray();
    }
}
