package jvit.runtime.cuda;

/**
 * A failed call into the CUDA driver, NVRTC or cuBLAS: names the call and its status by name,
 * e.g. {@code cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2)}.
 */
public class CudaException extends RuntimeException {
    private final String call;
    private final String status;
    private final boolean deviceExhausted;

    CudaException(String call, String status, boolean deviceExhausted, String message) {
        super(message);
        this.call = call;
        this.status = status;
        this.deviceExhausted = deviceExhausted;
    }

    /** A driver API call that returned {@code code}. */
    static CudaException driver(String call, int code) {
        String name = CudaResult.name(code);
        return new CudaException(call, name, CudaResult.deviceExhausted(code), call + ": " + name + " (" + code + ")");
    }

    /** The function that failed, such as {@code cuMemAlloc_v2}. */
    public String call() { return call; }

    /** Its status by name, such as {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String status() { return status; }

    /**
     * Whether the device ran out of memory or resources: a condition of the machine rather than
     * a bug, which the user can work around with a smaller batch or another device.
     */
    public boolean deviceExhausted() { return deviceExhausted; }
}
