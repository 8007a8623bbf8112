package jvit.runtime.cuda;

import java.util.Locale;
import jvit.runtime.UserError;

/**
 * Who computes a matmul on a CUDA device: jvit's own kernel (matmul.cl), or cuBLAS followed by the
 * bias/activation epilogue. Chosen per graph when it is loaded, from the system property
 * {@code jvit.cuda.gemm} ({@code jvit}, the default, or {@code cublas}).
 */
enum Gemm {
    JVIT, CUBLAS;

    static final String PROPERTY = "jvit.cuda.gemm";

    static Gemm selected() {
        String value = System.getProperty(PROPERTY, "jvit");
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "jvit" -> JVIT;
            case "cublas" -> CUBLAS;
            default -> throw new UserError("-D" + PROPERTY + "=" + value + " is not a GEMM; use jvit or cublas");
        };
    }
}
