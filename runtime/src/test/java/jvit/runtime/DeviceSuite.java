package jvit.runtime;

/**
 * Every runtime test a device backend passes: its operators' kernels and training kernels against
 * float64 references or the java device, and whole graphs (transfer modes, repeated executions,
 * per-task times, closing). A backend runs it all with one small class naming its device:
 * <pre>{@code
 * class OpenCLDeviceTest implements DeviceSuite {
 *     public Device device() { return TestDevices.first("opencl"); }
 * }
 * }</pre>
 * which is skipped, with the backend's reason, where the backend has no device.
 */
public interface DeviceSuite extends DeviceKernelsTests, TrainingKernelsTests, DeviceGraphTests {
    @Override
    Device device();
}
