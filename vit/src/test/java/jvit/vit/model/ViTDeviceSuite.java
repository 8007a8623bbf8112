package jvit.vit.model;

import jvit.runtime.Device;

/**
 * Every model test a device backend passes: the forward graph's logits and two training steps
 * against the java device's. A backend runs it all with one small class naming its device:
 * <pre>{@code
 * class OpenCLViTTest implements ViTDeviceSuite {
 *     public Device device() { return TestDevices.first("opencl"); }
 * }
 * }</pre>
 * which is skipped, with the backend's reason, where the backend has no device.
 */
public interface ViTDeviceSuite extends DeviceForwardTests, DeviceTrainingStepTests {
    @Override
    Device device();
}
