/*
 * out[b] = in[b]^T on CPU devices: one work-item per WIDTH x WIDTH block (grid: column blocks, row
 * blocks, batch), its WIDTH rows read as vectors and its WIDTH columns written as vectors, the
 * lanes exchanged in registers; blocks cut by the matrix's edges element by element.
 */
#include "portable.h"
#include "vectors.h"

KERNEL void transpose(GLOBAL float* out, GLOBAL const float* in, int rows, int cols) {
    int col0 = (int) get_global_id(0) * WIDTH, row0 = (int) get_global_id(1) * WIDTH;
    if (row0 >= rows || col0 >= cols) return;
    in += get_global_id(2) * rows * cols;
    out += get_global_id(2) * rows * cols;
    if (row0 + WIDTH <= rows && col0 + WIDTH <= cols) {
        VEC block[WIDTH];
        for (int i = 0; i < WIDTH; i++) block[i] = VLOAD(0, in + (row0 + i) * cols + col0);
        for (int j = 0; j < WIDTH; j++) {
            VEC column;
            for (int i = 0; i < WIDTH; i++) LANE(column, i) = LANE(block[i], j);
            VSTORE(column, 0, out + (col0 + j) * rows + row0);
        }
    } else {
        for (int i = row0; i < min(row0 + WIDTH, rows); i++)
            for (int j = col0; j < min(col0 + WIDTH, cols); j++) out[j * rows + i] = in[i * cols + j];
    }
}
