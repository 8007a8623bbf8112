package jvit.runtime.opencl;

import java.lang.foreign.MemorySegment;

/**
 * What a program binary is bound to: the device's name and vendor, the driver's version and the
 * device's OpenCL version. A binary made under one identity is refused under another, before the
 * driver sees it: drivers reject foreign binaries with an uninformative code, or worse, accept them.
 */
record DeviceIdentity(String name, String vendor, String driver, String version) {
    static DeviceIdentity of(MemorySegment device) {
        return new DeviceIdentity(CL.deviceString(device, CL.DEVICE_NAME), CL.deviceString(device, CL.DEVICE_VENDOR),
                CL.deviceString(device, CL.DRIVER_VERSION), CL.deviceString(device, CL.DEVICE_VERSION));
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + vendor + ", driver " + driver + ", " + version + ")";
    }
}
