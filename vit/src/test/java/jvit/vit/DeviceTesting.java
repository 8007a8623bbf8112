package jvit.vit;

import jvit.runtime.Device;
import jvit.runtime.TestDevices;

/** What the tests that compare a device with the java device share. */
public final class DeviceTesting {
    private DeviceTesting() {}

    /** The first OpenCL device; the test is skipped (not passed) where there is none. */
    public static Device opencl() {
        return TestDevices.first("opencl");
    }

    /** ‖actual − expected‖ / ‖expected‖; NaN anywhere (an unwritten element) gives NaN, which fails. */
    public static double relativeError(double[] expected, double[] actual) {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }
}
