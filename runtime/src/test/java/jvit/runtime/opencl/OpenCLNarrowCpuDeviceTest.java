package jvit.runtime.opencl;

import jvit.runtime.Device;
import jvit.runtime.DeviceSuite;

/**
 * The device suite on the CPU kernels as an AVX2 machine gets them (8-float vectors, 6-row matmul
 * blocks), with 4 KiB of local memory: matmul panels 64 deep, so that most products run in
 * several chunks, adding into C.
 */
class OpenCLNarrowCpuDeviceTest implements DeviceSuite {
    public Device device() {
        return OpenCLTesting.asNarrowCpu();
    }
}
