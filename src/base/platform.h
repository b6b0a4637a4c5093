/* platform.h — the machine under the numbers: how every computing thread
 * treats subnormal floats, and which of OpenBLAS's kernels run.
 *
 * Two things make the same program slow or different on another CPU:
 *
 * - Subnormal floats (|x| < 2^-126).  Vanishing gradients and Adam's second
 *   moments sink into that range, and Intel cores handle it in microcode,
 *   ten times slower.  platform_flush_subnormals() sets flush-to-zero and
 *   denormals-are-zero (x86-64 MXCSR FTZ+DAZ, aarch64 FPCR.FZ) on the
 *   calling thread; rnnlab calls it on every thread that computes.  OpenBLAS
 *   hands the caller's MXCSR to its own threads with each job.
 *
 * - OpenBLAS built with DYNAMIC_ARCH picks its kernels from the CPU when the
 *   library loads, and falls back to a generic SSE3 core ("Prescott") on a
 *   CPU newer than itself: 3x slower.  OpenBLAS reads OPENBLAS_CORETYPE only
 *   while it loads, before main(), so the one way to change the core is to
 *   start again: platform_start() re-executes rnnlab once with the core
 *   that matches the CPU's instruction set, unless the user set
 *   OPENBLAS_CORETYPE.  The decision itself is platform_core_choice(), a
 *   pure function.
 */
#ifndef RNNLAB_PLATFORM_H
#define RNNLAB_PLATFORM_H

#include <stddef.h>

#include "err.h"

/* What the CPU (and the OS) can run, as OpenBLAS's kernel families see it. */
typedef enum CpuLevel {
	CPU_LEVEL_SSE,		/* SSE2/SSE3: Prescott, Core2, Nehalem, Opteron... */
	CPU_LEVEL_AVX,		/* Sandybridge, Bulldozer... */
	CPU_LEVEL_AVX2,		/* AVX2 + FMA: Haswell, Zen */
	CPU_LEVEL_AVX512,	/* AVX-512 F/CD/BW/DQ/VL: SkylakeX, Cooperlake */
	CPU_LEVEL_UNKNOWN,	/* a core name rnnlab does not know: left alone */
} CpuLevel;

extern const char *const cpu_level_names[];

/* How the core in use was chosen. */
typedef enum BlasCoreHow {
	BLAS_CORE_DETECTED,	/* OpenBLAS's own detection */
	BLAS_CORE_USER,		/* OPENBLAS_CORETYPE from the user's environment */
	BLAS_CORE_RNNLAB,	/* rnnlab re-executed with a better core */
} BlasCoreHow;

typedef struct BlasInfo {
	char library[16];	/* "OpenBLAS" */
	char version[24];	/* "0.3.21" */
	char core[32];		/* the kernels in use: "SkylakeX" */
	char detected[32];	/* BLAS_CORE_RNNLAB: what OpenBLAS had picked */
	BlasCoreHow how;
	int dynamic;		/* built with DYNAMIC_ARCH: the core can be chosen */
	int threads;		/* OpenBLAS's thread count */
} BlasInfo;

/* Set flush-to-zero and denormals-are-zero on the calling thread.  Returns 1
 * when the mode is on, 0 on an architecture without it. */
int platform_flush_subnormals(void);

/* 1 when the calling thread flushes subnormal results and inputs to zero. */
int platform_flushing(void);

/* What the CPU and the OS can run. */
CpuLevel platform_cpu_level(void);

/* The level of an OpenBLAS core name ("Prescott" -> CPU_LEVEL_SSE),
 * CPU_LEVEL_UNKNOWN for a name not in rnnlab's table. */
CpuLevel platform_core_level(const char *core);

/* The core to restart with, or NULL to keep what OpenBLAS picked: only when
 * the library can switch (dynamic), the detected core is a known one and
 * below what the CPU can run.  AVX-512 gets SkylakeX (Cooperlake differs
 * only in bf16 routines rnnlab does not call), AVX2 Haswell, AVX
 * Sandybridge. */
const char *platform_core_choice(const char *detected, CpuLevel cpu, int dynamic);

/* Fill bi from the running library and the environment. */
void platform_blas_info(BlasInfo *bi);

/* Who chose the core: "detected by OpenBLAS", "set by OPENBLAS_CORETYPE",
 * "chosen by rnnlab; OpenBLAS picked Prescott". */
void platform_blas_how(const BlasInfo *bi, char *buf, size_t cap);

/* "OpenBLAS 0.3.21, core SkylakeX (detected by OpenBLAS)" into buf. */
void platform_blas_describe(const BlasInfo *bi, char *buf, size_t cap);

/* "subnormals flushed to zero (FTZ+DAZ)" or "subnormals kept". */
const char *platform_flush_describe(void);

/* OpenBLAS takes a work buffer from malloc for each BLAS call running at
 * once, and keeps it; when malloc fails it tries again, for ever (under
 * `ulimit -v` a train that never ends and ignores SIGTERM).  Debian's
 * x86-64 build asks for 128 MiB and a page; other builds ask for less. */
#define BLAS_BUFFER_BYTES (((size_t)128 << 20) + 4096)

/* Before BLAS calls from `calls` threads at once: when an address-space or
 * data limit is set (ulimit -v, -d), check that it leaves room for their
 * buffers, and have OpenBLAS take the calling thread's buffer now, while
 * there is room (what is allocated after cannot take it away).  Checked
 * once per thread count: the buffers are kept.  0, or ERR_NOMEM with a
 * one-line message that names the limit and what is needed. */
int blas_room(int calls, Err *e);

/* Call first in main(), before any computation.  When OpenBLAS runs a
 * generic core on a better CPU, re-executes this program (argv as given;
 * NULL: no arguments) with OPENBLAS_CORETYPE set and does not return.
 * Returns 0 when there was nothing to do, or an error when the restart
 * failed (the program can go on, slower).  Then flushes subnormals on
 * the calling thread.  The environment variable RNNLAB_BLAS_PRETEND names
 * the core to take as OpenBLAS's pick (tests use it to exercise the
 * restart on a CPU that OpenBLAS knows). */
int platform_start(char **argv, Err *e);

#endif
