/*
 * timm's qk_norm around a LayerNorm over rows of head_dim: the queries and keys of a fused
 * qkv [rows, 3, width] (width = heads * head_dim) moved out into q, k [rows, width] (qk_split), and
 * back (qk_merge: out = qkv with its queries and keys from q and k). One thread per element of the
 * output (of q and k together for the split); n counts them.
 */
#include "portable.h"

KERNEL void qk_split(GLOBAL float* q, GLOBAL float* k, GLOBAL const float* qkv, int width, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int row = i / width, at = row * 3 * width + i % width;
    q[i] = qkv[at];
    k[i] = qkv[at + width];
}

KERNEL void qk_merge(GLOBAL float* out, GLOBAL const float* qkv, GLOBAL const float* q, GLOBAL const float* k, int width, int n) {
    int i = GLOBAL_X;
    if (i >= n) return;
    int row = i / (3 * width), part = i / width % 3, at = row * width + i % width;
    out[i] = part == 0 ? q[at] : part == 1 ? k[at] : qkv[i];
}
