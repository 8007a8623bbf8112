package jvit.runtime.cuda;

import java.util.List;

/** A kernel source that NVRTC did not compile: names the source and the options, and carries the compiler's log. */
public final class NvrtcCompileException extends CudaException {
    private final String source;
    private final String log;

    NvrtcCompileException(String source, List<String> options, String log) {
        super("nvrtcCompileProgram", "NVRTC_ERROR_COMPILATION", false, source + ": nvrtcCompileProgram: NVRTC_ERROR_COMPILATION with "
                + String.join(" ", options) + "; the compiler said:\n" + (log.isBlank() ? "(no log)" : log.strip()));
        this.source = source;
        this.log = log;
    }

    /** The kernel source that failed, such as {@code matmul.cl}. */
    public String source() { return source; }

    /** NVRTC's log. */
    public String log() { return log; }
}
