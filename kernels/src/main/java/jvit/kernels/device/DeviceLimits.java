package jvit.kernels.device;

/**
 * What a device is and allows a launch, as far as the choice of kernel variant and work-group
 * shape depends on it.
 *
 * @param type what kind of processor runs the kernels: a CPU gets the variants written for CPUs
 * @param maxWorkGroupSize threads in one work-group, at most
 * @param localMemoryBytes memory shared by one work-group
 * @param computeUnits cores (CPU) or multiprocessors (GPU) that run work-groups side by side
 * @param floatVectorWidth floats in the device's preferred vector ({@code CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT}):
 *     16 for AVX-512, 8 for AVX2; 1 where the device prefers scalars, as GPUs do
 */
public record DeviceLimits(DeviceType type, int maxWorkGroupSize, long localMemoryBytes, int computeUnits, int floatVectorWidth) {
    /** The kinds of device whose kernels differ. */
    public enum DeviceType { CPU, GPU, ACCELERATOR }

    public DeviceLimits {
        if (type == null) throw new IllegalArgumentException("device limits need a device type");
        if (maxWorkGroupSize < 1 || localMemoryBytes < 1 || computeUnits < 1 || floatVectorWidth < 1)
            throw new IllegalArgumentException("device limits must be positive: " + maxWorkGroupSize + ", " + localMemoryBytes
                    + ", " + computeUnits + ", " + floatVectorWidth);
    }
}
