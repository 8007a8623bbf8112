/*
 * The few words in which OpenCL C and CUDA C differ, so that one kernel source compiles as both.
 * Kernels use only these names for qualifiers, indices, barriers and the float intrinsics whose
 * spelling differs (OpenCL overloads exp/log/erf/sqrt for float, CUDA spells them expf/logf/erff/sqrtf).
 */
#ifndef JVIT_PORTABLE_H
#define JVIT_PORTABLE_H

#ifdef __OPENCL_VERSION__

#define KERNEL __kernel
#define DEVICE static inline            /* a helper function called from kernels */
#define GLOBAL __global                 /* pointer to device memory */
#define LOCAL __local                   /* array shared by the work-group, declared in a kernel */
#define LOCAL_PTR __local               /* pointer to such an array, in a helper's parameters */
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)

#define THREAD_X ((int) get_local_id(0))
#define THREAD_Y ((int) get_local_id(1))
#define GROUP_X ((int) get_group_id(0))
#define GROUP_Y ((int) get_group_id(1))
#define GROUP_Z ((int) get_group_id(2))
#define GROUP_SIZE_X ((int) get_local_size(0))
#define GROUP_SIZE_Y ((int) get_local_size(1))
#define GLOBAL_X ((int) get_global_id(0))

#define EXP(x) exp(x)
#define LOG(x) log(x)
#define ERF(x) erf(x)
#define SQRT(x) sqrt(x)
#define FMAX(a, b) fmax(a, b)
#define FMIN(a, b) fmin(a, b)

#else /* CUDA */

#define KERNEL extern "C" __global__
#define DEVICE static __device__ __forceinline__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR
#define BARRIER() __syncthreads()

#define THREAD_X ((int) threadIdx.x)
#define THREAD_Y ((int) threadIdx.y)
#define GROUP_X ((int) blockIdx.x)
#define GROUP_Y ((int) blockIdx.y)
#define GROUP_Z ((int) blockIdx.z)
#define GROUP_SIZE_X ((int) blockDim.x)
#define GROUP_SIZE_Y ((int) blockDim.y)
#define GLOBAL_X ((int) (blockIdx.x * blockDim.x + threadIdx.x))

#define EXP(x) expf(x)
#define LOG(x) logf(x)
#define ERF(x) erff(x)
#define SQRT(x) sqrtf(x)
#define FMAX(a, b) fmaxf(a, b)
#define FMIN(a, b) fminf(a, b)
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif

#endif

#endif
