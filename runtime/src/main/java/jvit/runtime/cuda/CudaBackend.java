package jvit.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jvit.runtime.Device;
import jvit.runtime.driver.DriverBackend;

/**
 * CUDA GPUs through the driver API, numbered {@code cuda:0}, {@code cuda:1}, ... in the driver's
 * order, their kernels compiled at run time by NVRTC. Without the driver, a GPU or NVRTC, the
 * backend is unavailable and says why in one line.
 */
public final class CudaBackend extends DriverBackend {
    public String name() { return "cuda"; }

    protected Discovery discover() {
        Optional<String> missing = DriverLibrary.problem();
        if (missing.isPresent()) return Discovery.unavailable(missing.get());
        try {
            try {
                Cuda.init();
            } catch (CudaException e) {
                return Discovery.unavailable("the CUDA driver found no usable GPU (" + e.getMessage() + ")");
            }
            int count = Cuda.deviceCount();
            if (count == 0) return Discovery.unavailable("the CUDA driver reports no GPU");
            // A GPU whose kernels cannot be compiled is no use: `auto` should pass it over.
            if (Nvrtc.problem().isPresent())
                return Discovery.unavailable("NVRTC, which compiles the kernels, is missing: " + Nvrtc.problem().get());
            int driverVersion = Cuda.driverVersion();
            List<Device> found = new ArrayList<>();
            for (int i = 0; i < count; i++) found.add(new CudaDevice("cuda:" + i, Cuda.device(i), driverVersion));
            return Discovery.found(found);
        } catch (RuntimeException | LinkageError e) {
            return Discovery.unavailable("the CUDA driver failed to list its devices (" + e.getMessage() + ")");
        }
    }
}
