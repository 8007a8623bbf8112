package jvit.runtime.opencl;

/** A program that did not compile: names the kernel source and carries the compiler's log. */
public final class CLBuildException extends CLException {
    private final String source;
    private final String log;

    CLBuildException(String source, int code, String log) {
        super("clBuildProgram", code, source + ": clBuildProgram: " + codeName(code) + " (" + code + "); the compiler said:\n"
                + (log.isBlank() ? "(no log)" : log.strip()));
        this.source = source;
        this.log = log;
    }

    /** The kernel source that failed, such as {@code matmul.cl}. */
    public String source() { return source; }

    /** The compiler's build log. */
    public String log() { return log; }
}
