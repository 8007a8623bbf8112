package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** LayerScale: each channel of a block's branch multiplied by a learned factor, and that factor's gradient. */
public final class LayerScale {
    /** Rows per task: below a few of these, waking the other cores costs more than it saves. */
    private static final int ROWS = 64;

    private LayerScale() {}

    /** {@code out[r, c] = x[r, c] · gamma[c]}; {@code out} may be {@code x}. */
    public static void forward(MemorySegment out, MemorySegment x, MemorySegment gamma, int rows, int dim) {
        Parallel.forRange((rows + ROWS - 1) / ROWS, (from, to) -> {
            for (int r = from * ROWS; r < Math.min(rows, to * ROWS); r++) {
                long row = (long) r * dim;
                int c = 0;
                for (; c + L <= dim; c += L) FloatVector.fromMemorySegment(S, x, 4L * (row + c), LE).mul(FloatVector.fromMemorySegment(S, gamma, 4L * c, LE)).intoMemorySegment(out, 4L * (row + c), LE);
                for (; c < dim; c++) F32.set(out, row + c, F32.get(x, row + c) * F32.get(gamma, c));
            }
        });
    }

    /** {@code dgamma[c] = Σ_r dy[r, c] · x[r, c]}, rows in order; each task a band of columns. */
    public static void backward(MemorySegment dgamma, MemorySegment dy, MemorySegment x, int rows, int dim) {
        int bands = (dim + L - 1) / L;
        Parallel.forRange(bands, (from, to) -> {
            for (int band = from; band < to; band++) {
                int c = band * L;
                if (c + L <= dim) {
                    FloatVector sum = FloatVector.zero(S);
                    for (int r = 0; r < rows; r++) {
                        long i = (long) r * dim + c;
                        sum = FloatVector.fromMemorySegment(S, dy, 4L * i, LE).fma(FloatVector.fromMemorySegment(S, x, 4L * i, LE), sum);
                    }
                    sum.intoMemorySegment(dgamma, 4L * c, LE);
                } else {
                    for (int j = c; j < dim; j++) {
                        float sum = 0;
                        for (int r = 0; r < rows; r++) {
                            long i = (long) r * dim + j;
                            sum = Math.fma(F32.get(dy, i), F32.get(x, i), sum);
                        }
                        F32.set(dgamma, j, sum);
                    }
                }
            }
        });
    }
}
