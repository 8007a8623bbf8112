package jvit.kernels.cpu;

import static jvit.kernels.cpu.F32.L;
import static jvit.kernels.cpu.F32.LE;
import static jvit.kernels.cpu.F32.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** Column sums of a matrix: the gradient of a bias added to every row. */
public final class SumRows {
    private SumRows() {}

    /** {@code out[c] = Σ_r in[r, c]}; each task sums a band of columns over every row. */
    public static void forward(MemorySegment out, MemorySegment in, int rows, int cols) {
        int bands = (cols + L - 1) / L;
        Parallel.forRange(bands, (from, to) -> {
            for (int band = from; band < to; band++) {
                int c = band * L;
                if (c + L <= cols) {
                    FloatVector sum = FloatVector.zero(S);
                    for (int r = 0; r < rows; r++) sum = FloatVector.fromMemorySegment(S, in, 4L * ((long) r * cols + c), LE).add(sum);
                    sum.intoMemorySegment(out, 4L * c, LE);
                } else {
                    for (int j = c; j < cols; j++) {
                        float sum = 0;
                        for (int r = 0; r < rows; r++) sum += F32.get(in, (long) r * cols + j);
                        F32.set(out, j, sum);
                    }
                }
            }
        });
    }
}
