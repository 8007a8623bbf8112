package jvit.kernels.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * {@code C[b] = op(A[b])·op(B[b]) (+ bias)}, one thread per output element. Strides cover the
 * transposed forms: element {@code (i, p)} of {@code op(A[b])} is {@code a[b·m·k + i·aRow + p·aCol]},
 * element {@code (p, j)} of {@code op(B[b])} is {@code b[b·n·k + p·bRow + j·bCol]}.
 */
public final class TornadoMatmul {
    private TornadoMatmul() {}

    public static void matmul(FloatArray c, FloatArray a, FloatArray b, int batch, int m, int n, int k,
                              int aRow, int aCol, int bRow, int bCol) {
        for (@Parallel int row = 0; row < batch * m; row++) {
            for (@Parallel int j = 0; j < n; j++) {
                int mat = row / m;
                int i = row - mat * m;
                int aBase = mat * m * k + i * aRow;
                int bBase = mat * n * k + j * bCol;
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a.get(aBase + p * aCol) * b.get(bBase + p * bRow);
                c.set(row * n + j, sum);
            }
        }
    }

    public static void matmulBias(FloatArray c, FloatArray a, FloatArray b, FloatArray bias, int batch, int m, int n, int k,
                                  int aRow, int aCol, int bRow, int bCol) {
        for (@Parallel int row = 0; row < batch * m; row++) {
            for (@Parallel int j = 0; j < n; j++) {
                int mat = row / m;
                int i = row - mat * m;
                int aBase = mat * m * k + i * aRow;
                int bBase = mat * n * k + j * bCol;
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a.get(aBase + p * aCol) * b.get(bBase + p * bRow);
                c.set(row * n + j, sum + bias.get(j));
            }
        }
    }
}
