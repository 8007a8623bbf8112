package jvit.runtime.cuda;

import jvit.kernels.Op;

/**
 * A row-major matmul as cuBLAS's column-major GEMM. Row-major memory read column-major is the
 * transpose, so cuBLAS is asked for Cᵀ = op(B)ᵀ · Aᵀ: B's memory is its first operand and A's
 * its second, with m and n swapped, and Cᵀ column-major is C row-major.
 *
 * <p>B is {@code [n, k]} when the matmul multiplies by Bᵀ: read column-major that is the
 * {@code k × n} matrix Bᵀ, which cuBLAS transposes back ({@code OP_T}). B {@code [k, n]} read
 * column-major is the {@code n × k} matrix Bᵀ already ({@code OP_N}). A {@code [m, k]} read
 * column-major is the {@code k × m} matrix Aᵀ, used as it is; a transposed A, {@code [k, m]}, read
 * column-major is the {@code m × k} matrix A, which cuBLAS transposes ({@code OP_T}).
 *
 * @param transposeFirst whether cuBLAS transposes its first operand (B's memory)
 * @param transposeSecond whether cuBLAS transposes its second operand (A's memory)
 * @param m rows of cuBLAS's result: the matmul's n
 * @param n columns of cuBLAS's result: the matmul's m
 * @param k the inner dimension
 * @param ldFirst leading dimension of B's memory
 * @param ldSecond leading dimension of A's memory
 * @param ldResult leading dimension of C's memory
 * @param strideFirst elements between one batch's B and the next
 * @param strideSecond elements between one batch's A and the next
 * @param strideResult elements between one batch's C and the next
 */
record ColumnMajorGemm(boolean transposeFirst, boolean transposeSecond, int m, int n, int k, int ldFirst, int ldSecond,
                       int ldResult, long strideFirst, long strideSecond, long strideResult, int batch) {
    static ColumnMajorGemm of(Op.Matmul op) {
        return new ColumnMajorGemm(op.transposedB(), op.transposedA(), op.n(), op.m(), op.k(), op.transposedB() ? op.k() : op.n(),
                op.transposedA() ? op.m() : op.k(), op.n(),
                (long) op.n() * op.k(), (long) op.m() * op.k(), (long) op.m() * op.n(), op.batch());
    }
}
