package jvit.vit.train;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jvit.runtime.Device;
import jvit.runtime.ExecutionPlan;
import jvit.runtime.Releases;
import jvit.runtime.Tensor;
import jvit.runtime.UserError;
import jvit.runtime.schedule.Deployment;
import jvit.runtime.schedule.Shares;
import jvit.vit.model.ViTWeights;

/**
 * A training step with the batch split over devices in proportion to their profiled speed: each
 * worker runs forward and backward over its rows, the host sums the gradients weighted by each
 * share (in device order, so a step is reproducible), and one AdamW update runs on the fastest
 * device, whose parameters every worker copies in at the next step.
 */
final class DataParallelStep implements TrainingStep {
    /** A device's part: its share of the batch ({@code first}, {@code size} rows) and its gradients. */
    private record Worker(ExecutionPlan plan, TrainingGraph.Io io, Map<Tensor, Tensor> grads, int first, int size) {}

    private final TrainingGraph.Io io;
    private final Optimizer optimizer;
    private final List<Worker> workers = new ArrayList<>();
    private final Map<Tensor, Tensor> summed = new LinkedHashMap<>();
    private final ExecutionPlan update;
    private final ExecutorService threads;
    private final Releases releases = new Releases();

    DataParallelStep(ViTWeights weights, Optimizer optimizer, TrainSettings settings, TrainingGraph.Io io, Deployment deployment, Arena arena) {
        this.io = io;
        this.optimizer = optimizer;
        List<Device> devices = deployment.devices();
        int batch = (int) io.images().shape()[0];
        double[] speeds = devices.stream().mapToDouble(d -> deployment.profiles().apply(d).speed()).toArray();
        if (batch < devices.size())
            throw new UserError("--batch " + batch + " cannot be split over " + devices.size() + " devices; use a batch of at least " + devices.size());
        int[] sizes = Shares.inProportion(batch, speeds);
        try {
            int first = 0;
            for (int i = 0; i < devices.size(); i++) {
                TrainingGraph.Io part = part(io, sizes[i], arena);
                Map<Tensor, Tensor> grads = new LinkedHashMap<>();
                for (Optimizer.Slot s : optimizer.slots()) grads.put(s.param(), Tensor.allocate("grad." + s.param().name(), arena, s.param().shape()));
                ExecutionPlan plan = new ExecutionPlan(TrainingGraph.recordGradients(weights, optimizer, grads::get, settings, part), devices.get(i));
                releases.add(plan::close);
                workers.add(new Worker(plan, part, grads, first, sizes[i]));
                first += sizes[i];
            }
            for (Optimizer.Slot s : optimizer.slots()) summed.put(s.param(), Tensor.allocate("grad." + s.param().name(), arena, s.param().shape()));
            int fastest = 0;
            for (int i = 1; i < speeds.length; i++) if (speeds[i] > speeds[fastest]) fastest = i;
            this.update = new ExecutionPlan(TrainingGraph.recordUpdate(weights, optimizer, summed::get, settings, io.schedule()), devices.get(fastest));
            releases.add(update::close);
            // Platform threads outside any fork-join pool: the CPU kernels split their loops over all cores only then.
            this.threads = Executors.newFixedThreadPool(devices.size(), r -> {
                Thread t = new Thread(r, "jvit-data-parallel");
                t.setDaemon(true);
                return t;
            });
            releases.add(threads::shutdownNow);
        } catch (RuntimeException e) {
            releases.close();
            throw e;
        }
    }

    private static TrainingGraph.Io part(TrainingGraph.Io io, int rows, Arena arena) {
        long[] image = io.images().shape();
        image[0] = rows;
        return new TrainingGraph.Io(Tensor.allocate("images", arena, image), Tensor.allocate("labels", arena, rows), io.schedule(),
                Tensor.allocate("losses", arena, rows), Tensor.allocate("logits", arena, rows, io.logits().shape()[1]));
    }

    public void run() {
        long imageBytes = io.images().bytes() / io.images().shape()[0], classBytes = 4 * io.logits().shape()[1];
        for (Worker w : workers) {
            MemorySegment.copy(io.images().host(), w.first() * imageBytes, w.io().images().host(), 0, w.size() * imageBytes);
            MemorySegment.copy(io.labels().host(), 4L * w.first(), w.io().labels().host(), 0, 4L * w.size());
        }
        List<Future<?>> running = new ArrayList<>();
        for (Worker w : workers) running.add(threads.submit(() -> w.plan().execute()));
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a training step", e);
            }
        }
        int batch = (int) io.images().shape()[0];
        for (Worker w : workers) {
            MemorySegment.copy(w.io().losses().host(), 0, io.losses().host(), 4L * w.first(), 4L * w.size());
            MemorySegment.copy(w.io().logits().host(), 0, io.logits().host(), w.first() * classBytes, w.size() * classBytes);
        }
        for (Optimizer.Slot s : optimizer.slots()) sum(s.param(), batch);
        update.execute();
    }

    /** Each worker's gradient is of its own rows' mean loss: weighted by its share, they sum to the batch's. */
    private void sum(Tensor param, int batch) {
        MemorySegment out = summed.get(param).host();
        float[] weight = new float[workers.size()];
        for (int i = 0; i < weight.length; i++) weight[i] = (float) workers.get(i).size() / batch;
        for (long j = 0; j < param.elements(); j++) {
            float total = 0;
            for (int i = 0; i < weight.length; i++)
                total += weight[i] * workers.get(i).grads().get(param).host().getAtIndex(ValueLayout.JAVA_FLOAT, j);
            out.setAtIndex(ValueLayout.JAVA_FLOAT, j, total);
        }
    }

    public void copyStateToHost() {
        for (Optimizer.Slot s : optimizer.slots()) update.transferToHost(s.m(), s.v()); // the parameters come back every step
    }

    public void close() {
        releases.close();
    }
}
