package jvit.vit.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import jvit.vit.chart.BarChart;

/**
 * A report's charts, devices side by side with the peers: images/s per model (a panel per model,
 * a group per step and batch) and % of floor per kernel. Bars carry their figure; the ratios to
 * the peers are in the Markdown's tables.
 */
public final class ReportCharts {
    private ReportCharts() {}

    /** Writes the models' chart if the report has model results; returns whether it did. */
    public static boolean writeModels(Report report, Path png) {
        List<String> models = report.results().stream().filter(r -> !r.isKernel()).map(Result::name).distinct().toList();
        if (models.isEmpty()) return false;
        List<BarChart.Panel> panels = new ArrayList<>();
        for (String model : models) {
            List<List<Result>> cases = report.byCase().stream().filter(c -> !c.getFirst().isKernel() && c.getFirst().name().equals(model)).toList();
            List<String> categories = cases.stream().map(c -> c.getFirst().kind() + ", batch " + c.getFirst().batch()).toList();
            panels.add(new BarChart.Panel(model, "images/s", categories, series(report, cases, r -> OptionalDouble.of(r.imagesPerSecond()))));
        }
        new BarChart("Images/s", panels).write(png, Math.max(900, 480 * panels.size()), 520);
        return true;
    }

    /** Writes the kernels' chart if the report has kernel results with floors; returns whether it did. */
    public static boolean writeKernels(Report report, Path png) {
        List<List<Result>> cases = report.byCase().stream().filter(c -> c.getFirst().isKernel()).toList();
        if (cases.isEmpty() || report.devices().stream().allMatch(d -> d.peak() == null)) return false;
        List<String> categories = cases.stream().map(c -> c.getFirst().name()).toList();
        List<BarChart.Series> series = series(report, cases, r -> floorShare(report, r));
        int bars = series.size();
        new BarChart("Kernels: % of the floor (the compute or memory limit)", List.of(new BarChart.Panel("", "% of floor", categories, series)))
                .write(png, Math.clamp(160 + (long) categories.size() * (bars * 34 + 24), 900, 4000), 560);
        return true;
    }

    private static OptionalDouble floorShare(Report report, Result r) {
        OptionalDouble floor = report.floorSeconds(r);
        return floor.isPresent() ? OptionalDouble.of(100 * floor.getAsDouble() / r.measurement().seconds()) : OptionalDouble.empty();
    }

    /** A series per device (the report's order, the peers last) over the cases; a case a device did not run has no bar. */
    private static List<BarChart.Series> series(Report report, List<List<Result>> cases, Function<Result, OptionalDouble> value) {
        Set<String> devices = new LinkedHashSet<>();
        report.devices().forEach(d -> devices.add(d.id()));
        devices.addAll(List.of(TorchPeer.ONNXRUNTIME, TorchPeer.PYTORCH, NumpyPeer.ID));
        List<BarChart.Series> series = new ArrayList<>();
        for (String device : devices) {
            Predicate<Result> here = r -> r.device().equals(device);
            if (cases.stream().flatMap(List::stream).noneMatch(here)) continue;
            double[] values = new double[cases.size()];
            for (int i = 0; i < cases.size(); i++) {
                Result r = cases.get(i).stream().filter(here).findFirst().orElse(null);
                values[i] = r == null ? Double.NaN : value.apply(r).orElse(Double.NaN);
            }
            series.add(new BarChart.Series(ForwardPeer.isPeer(device) ? ForwardPeer.label(device) : device, values));
        }
        return series;
    }
}
