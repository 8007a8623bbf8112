package jvit.runtime.opencl;

import jvit.runtime.Device;
import jvit.runtime.DeviceSuite;

/** The device suite on opencl:0 as it is: the CPU kernels PoCL gets. */
class OpenCLDeviceTest implements DeviceSuite {
    public Device device() {
        return OpenCLTesting.device();
    }
}
