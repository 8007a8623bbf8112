package jvit.runtime.tornado;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jvit.runtime.Device;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/** Every device of every TornadoVM driver, {@code tornado:D:N}; found by name from {@link jvit.runtime.tornado.TornadoBackend}. */
public final class TornadoDevices implements Supplier<List<Device>> {
    static final String RECOVER_BAILOUT = "tornado.recover.bailout";
    static final String OPENCL_FLAGS = "tornado.opencl.compiler.flags";

    @Override
    public List<Device> get() {
        forbidJavaFallback();
        keepIeeeArithmetic();
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<Device> found = new ArrayList<>();
        for (int d = 0; d < runtime.getNumBackends(); d++) {
            TornadoBackend driver = runtime.getBackend(d);
            for (int n = 0; n < driver.getNumDevices(); n++)
                found.add(new TornadoDevice("tornado:" + d + ":" + n, driver, driver.getDevice(n)));
        }
        return found;
    }

    /**
     * TornadoVM builds OpenCL with {@code -cl-fast-relaxed-math} unless told otherwise, which lets the
     * compiler reassociate {@code (x - shift) - mean} in LayerNorm and lose a large common offset's
     * digits (the device suite's layerNormUnderALargeCommonOffset); jvit's OpenCL devices build without
     * it. Read once, when TornadoVM's runtime starts; a value the user gives is kept.
     */
    private static void keepIeeeArithmetic() {
        if (System.getProperty(OPENCL_FLAGS) == null) System.setProperty(OPENCL_FLAGS, "-cl-mad-enable -w");
    }

    /**
     * TornadoVM runs a graph whose kernel failed to compile as sequential Java on the host, and
     * returns as if it had run on the device, unless {@code tornado.recover.bailout} is false; it
     * reads the property once, when its runtime starts, so set it before that.
     */
    private static void forbidJavaFallback() {
        String value = System.getProperty(RECOVER_BAILOUT);
        if (value == null) System.setProperty(RECOVER_BAILOUT, "False");
        else if (!value.equalsIgnoreCase("false"))
            throw new IllegalStateException("-D" + RECOVER_BAILOUT + "=" + value + " lets TornadoVM run a kernel it failed to"
                    + " compile as Java on the host, unseen; drop it or set it to False");
    }
}
