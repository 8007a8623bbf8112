package jvit.runtime.tornado;

/** TornadoVM failed to compile or run a graph, or did not run it on the device. */
final class TornadoException extends RuntimeException {
    TornadoException(String message) { super(message); }

    TornadoException(String message, Throwable cause) { super(message, cause); }
}
