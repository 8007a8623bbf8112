package jvit.runtime;

/** When a declared copy between host and device happens, as in TornadoVM. */
public enum DataTransferMode {
    /** On the first execution only: weights, which then stay on the device. */
    FIRST_EXECUTION,
    /** On every execution: inputs and results. */
    EVERY_EXECUTION
}
