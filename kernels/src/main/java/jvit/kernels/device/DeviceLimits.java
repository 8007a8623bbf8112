package jvit.kernels.device;

/**
 * What a device allows a launch, as far as the choice of work-group shape depends on it.
 *
 * @param maxWorkGroupSize threads in one work-group, at most
 * @param localMemoryBytes memory shared by one work-group
 */
public record DeviceLimits(int maxWorkGroupSize, long localMemoryBytes) {
    public DeviceLimits {
        if (maxWorkGroupSize < 1 || localMemoryBytes < 1)
            throw new IllegalArgumentException("device limits must be positive: " + maxWorkGroupSize + ", " + localMemoryBytes);
    }
}
