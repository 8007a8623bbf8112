/*
 * out[b] = in[b]^T on CPU devices: one work-item per WIDTH x WIDTH block (grid: column blocks, row
 * blocks, batch), its WIDTH rows read as vectors, transposed in registers, and written as WIDTH
 * vectors of out's rows; blocks cut by the matrix's edges element by element. The registers are
 * transposed by halves, then quarters, ...: at the step of size s, rows i and i + s (i with bit s
 * clear) exchange their lanes with bit s set and clear, one two-vector shuffle each.
 */
#include "portable.h"
#include "vectors.h"

#define UVEC JOIN(uint, WIDTH)
#define IVEC JOIN(int, WIDTH)

#if WIDTH == 16
#define LANES (uint16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#elif WIDTH == 8
#define LANES (uint8)(0, 1, 2, 3, 4, 5, 6, 7)
#else
#define LANES (uint4)(0, 1, 2, 3)
#endif

static inline void transpose_block(VEC rows[WIDTH]) {
    UVEC lane = LANES;
#pragma unroll
    for (int s = WIDTH / 2; s >= 1; s /= 2) {
        IVEC upper = (lane & (uint) s) != 0;
        UVEC low = select(lane, lane + WIDTH - s, upper), high = select(lane + s, lane + WIDTH, upper);
#pragma unroll
        for (int i = 0; i < WIDTH; i++)
            if ((i & s) == 0) {
                VEC a = rows[i], b = rows[i + s];
                rows[i] = shuffle2(a, b, low);
                rows[i + s] = shuffle2(a, b, high);
            }
    }
}

KERNEL void transpose(GLOBAL float* out, GLOBAL const float* in, int rows, int cols) {
    int col0 = (int) get_global_id(0) * WIDTH, row0 = (int) get_global_id(1) * WIDTH;
    if (row0 >= rows || col0 >= cols) return;
    in += get_global_id(2) * rows * cols;
    out += get_global_id(2) * rows * cols;
    if (row0 + WIDTH <= rows && col0 + WIDTH <= cols) {
        VEC block[WIDTH];
        for (int i = 0; i < WIDTH; i++) block[i] = VLOAD(0, in + (row0 + i) * cols + col0);
        transpose_block(block);
        for (int j = 0; j < WIDTH; j++) VSTORE(block[j], 0, out + (col0 + j) * rows + row0);
    } else {
        for (int i = row0; i < min(row0 + WIDTH, rows); i++)
            for (int j = col0; j < min(col0 + WIDTH, cols); j++) out[j * rows + i] = in[i * cols + j];
    }
}
