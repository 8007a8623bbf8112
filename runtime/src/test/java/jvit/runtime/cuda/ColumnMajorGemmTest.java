package jvit.runtime.cuda;

import static jvit.kernels.Tensors.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import jvit.kernels.Op;
import jvit.kernels.Op.Activation;
import jvit.kernels.Reference64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row-major to column-major translation for cuBLAS, checked without a GPU: a column-major
 * GEMM written here exactly as cuBLAS documents {@code cublasSgemmStridedBatched}, applied to the
 * row-major arrays as laid out, gives the float64 reference product.
 */
class ColumnMajorGemmTest {
    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transposedA={4} transposedB={5}")
    @CsvSource({"1, 1, 1, 1, false, true", "1, 7, 5, 3, false, true", "1, 7, 5, 3, false, false", "3, 4, 9, 6, false, true",
            "2, 13, 1, 8, false, false", "1, 7, 5, 3, true, false", "3, 4, 9, 6, true, true", "2, 1, 13, 8, true, false"})
    void cublasArgumentsComputeTheRowMajorProduct(int batch, int m, int n, int k, boolean transposedA, boolean transposedB) {
        Random random = random();
        double[] a = uniform(random, batch * m * k, 1), b = uniform(random, batch * n * k, 1);
        ColumnMajorGemm g = ColumnMajorGemm.of(new Op.Matmul(batch, m, n, k, transposedA, transposedB, false, Activation.NONE));
        double[] c = new double[batch * m * n];
        stridedBatched(g, b, a, c);
        assertArrayEquals(Reference64.matmul(a, b, null, batch, m, n, k, transposedA, transposedB, false), c, 1e-12);
    }

    /** C_i = op(A_i) · op(B_i), column-major with leading dimensions, for each batch i (alpha 1, beta 0). */
    private static void stridedBatched(ColumnMajorGemm g, double[] first, double[] second, double[] result) {
        for (int batch = 0; batch < g.batch(); batch++) {
            int a0 = (int) (batch * g.strideFirst()), b0 = (int) (batch * g.strideSecond()), c0 = (int) (batch * g.strideResult());
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double sum = 0;
                    for (int l = 0; l < g.k(); l++) {
                        double opA = g.transposeFirst() ? first[a0 + l + i * g.ldFirst()] : first[a0 + i + l * g.ldFirst()];
                        double opB = g.transposeSecond() ? second[b0 + j + l * g.ldSecond()] : second[b0 + l + j * g.ldSecond()];
                        sum += opA * opB;
                    }
                    result[c0 + i + j * g.ldResult()] = sum;
                }
            }
        }
    }
}
