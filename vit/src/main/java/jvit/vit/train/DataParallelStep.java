package jvit.vit.train;

import java.lang.foreign.Arena;
import java.util.ArrayList;
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
    /** A device's part: its share of the batch (from row {@code first}) and its gradients. */
    private record Worker(ExecutionPlan plan, TrainingGraph.Io io, Map<Tensor, Tensor> grads, int first) {}

    private final TrainingGraph.Io io;
    private final List<Worker> workers = new ArrayList<>();
    private final HostGradientSum update;
    private final ExecutorService threads;
    private final Releases releases = new Releases();

    DataParallelStep(ViTWeights weights, Optimizer optimizer, TrainSettings settings, TrainingGraph.Io io, Deployment deployment, Arena arena) {
        this.io = io;
        List<Device> devices = deployment.devices();
        int batch = io.rows();
        if (batch < devices.size())
            throw new UserError("--batch " + batch + " cannot be split over " + devices.size() + " devices; use a batch of at least " + devices.size());
        int[] sizes = Shares.inProportion(batch, deployment.speeds());
        try {
            int first = 0;
            for (int i = 0; i < devices.size(); i++) {
                TrainingGraph.Io part = io.part(sizes[i], arena);
                Map<Tensor, Tensor> grads = HostGradientSum.gradients(optimizer, arena);
                ExecutionPlan plan = new ExecutionPlan(TrainingGraph.recordGradients(weights, optimizer, grads::get, settings, part), devices.get(i));
                releases.add(plan::close);
                workers.add(new Worker(plan, part, grads, first));
                first += sizes[i];
            }
            this.update = new HostGradientSum(weights, optimizer, settings, io.schedule(), deployment.fastest(), arena);
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

    public void run() {
        for (Worker w : workers) w.io().copyInputsFrom(io, w.first());
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
        update.clear();
        for (Worker w : workers) {
            w.io().copyOutputsTo(io, w.first());
            update.add(w.grads(), (float) w.io().rows() / io.rows()); // each worker's gradient is of its own rows' mean loss
        }
        update.apply();
    }

    public void copyStateToHost() {
        update.copyMomentsToHost(); // the parameters come back every step
    }

    public void close() {
        releases.close();
    }
}
