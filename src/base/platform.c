/* platform.c — subnormal flushing on every computing thread, and the
 * OpenBLAS core that matches the CPU (see platform.h for why). */
#include "platform.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define MXCSR_DAZ 0x0040u	/* denormals are zero: subnormal inputs read as 0 */
#define MXCSR_FTZ 0x8000u	/* flush to zero: subnormal results written as 0 */
#endif
#if defined(__aarch64__)
#define FPCR_FZ (1ull << 24)	/* flush-to-zero, inputs and results */
#endif

const char *const cpu_level_names[] = { "SSE", "AVX", "AVX2", "AVX-512", "unknown" };

/* The marker of a restart: the core OpenBLAS had picked before it. */
#define ENV_DETECTED "RNNLAB_BLAS_DETECTED"
#define ENV_PRETEND "RNNLAB_BLAS_PRETEND"

int platform_flush_subnormals(void)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_setcsr(_mm_getcsr() | MXCSR_DAZ | MXCSR_FTZ);
	return 1;
#elif defined(__aarch64__)
	unsigned long long fpcr;
	__asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
	__asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr | FPCR_FZ));
	return 1;
#else
	return 0;
#endif
}

int platform_flushing(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned csr = _mm_getcsr();
	return (csr & (MXCSR_DAZ | MXCSR_FTZ)) == (MXCSR_DAZ | MXCSR_FTZ);
#elif defined(__aarch64__)
	unsigned long long fpcr;
	__asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
	return (fpcr & FPCR_FZ) != 0;
#else
	return 0;
#endif
}

const char *platform_flush_describe(void)
{
	if (!platform_flushing())
		return "subnormals kept (IEEE gradual underflow)";
#if defined(__aarch64__)
	return "subnormals flushed to zero (FPCR.FZ)";
#else
	return "subnormals flushed to zero (FTZ+DAZ)";
#endif
}

CpuLevel platform_cpu_level(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
	/* __builtin_cpu_supports also asks the OS (XGETBV) whether it saves
	 * the AVX and AVX-512 registers. */
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
	    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512vl"))
		return CPU_LEVEL_AVX512;
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		return CPU_LEVEL_AVX2;
	if (__builtin_cpu_supports("avx"))
		return CPU_LEVEL_AVX;
	return CPU_LEVEL_SSE;
#else
	/* Elsewhere (aarch64...) OpenBLAS's detection is left to itself. */
	return CPU_LEVEL_UNKNOWN;
#endif
}

/* OpenBLAS's x86 core names (openblas_get_corename()) by kernel family. */
static const struct {
	const char *name;
	CpuLevel level;
} cores[] = {
	{ "katmai", CPU_LEVEL_SSE }, { "coppermine", CPU_LEVEL_SSE }, { "northwood", CPU_LEVEL_SSE },
	{ "prescott", CPU_LEVEL_SSE }, { "banias", CPU_LEVEL_SSE }, { "atom", CPU_LEVEL_SSE },
	{ "core2", CPU_LEVEL_SSE }, { "penryn", CPU_LEVEL_SSE }, { "dunnington", CPU_LEVEL_SSE },
	{ "nehalem", CPU_LEVEL_SSE }, { "athlon", CPU_LEVEL_SSE }, { "opteron", CPU_LEVEL_SSE },
	{ "opteron(sse3)", CPU_LEVEL_SSE }, { "barcelona", CPU_LEVEL_SSE }, { "nano", CPU_LEVEL_SSE },
	{ "bobcat", CPU_LEVEL_SSE },
	{ "sandybridge", CPU_LEVEL_AVX }, { "bulldozer", CPU_LEVEL_AVX }, { "piledriver", CPU_LEVEL_AVX },
	{ "steamroller", CPU_LEVEL_AVX }, { "excavator", CPU_LEVEL_AVX },
	{ "haswell", CPU_LEVEL_AVX2 }, { "zen", CPU_LEVEL_AVX2 },
	{ "skylakex", CPU_LEVEL_AVX512 }, { "cooperlake", CPU_LEVEL_AVX512 },
	{ "sapphirerapids", CPU_LEVEL_AVX512 },
};

CpuLevel platform_core_level(const char *core)
{
	for (size_t i = 0; core && i < sizeof cores / sizeof cores[0]; i++)
		if (!strcasecmp(core, cores[i].name))
			return cores[i].level;
	return CPU_LEVEL_UNKNOWN;
}

const char *platform_core_choice(const char *detected, CpuLevel cpu, int dynamic)
{
	CpuLevel have = platform_core_level(detected);
	if (!dynamic || have == CPU_LEVEL_UNKNOWN || cpu == CPU_LEVEL_UNKNOWN || have >= cpu)
		return NULL;
	switch (cpu) {
	case CPU_LEVEL_AVX512:
		return "SkylakeX";
	case CPU_LEVEL_AVX2:
		return "Haswell";
	case CPU_LEVEL_AVX:
		return "Sandybridge";
	default:
		return NULL;
	}
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void platform_blas_info(BlasInfo *bi)
{
	memset(bi, 0, sizeof *bi);
	/* "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64" */
	const char *config = openblas_get_config();
	char lib[16] = "", ver[24] = "";
	if (!config || sscanf(config, "%15s %23s", lib, ver) != 2)
		copy(lib, sizeof lib, "OpenBLAS");
	copy(bi->library, sizeof bi->library, lib);
	copy(bi->version, sizeof bi->version, ver);
	bi->dynamic = config && strstr(config, "DYNAMIC_ARCH") != NULL;
	copy(bi->core, sizeof bi->core, openblas_get_corename());
	bi->threads = openblas_get_num_threads();
	const char *user = getenv("OPENBLAS_CORETYPE"), *was = getenv(ENV_DETECTED);
	if (user && *user && was && *was) {
		bi->how = BLAS_CORE_RNNLAB;
		/* The environment is printed: only a core name rnnlab knows. */
		copy(bi->detected, sizeof bi->detected, platform_core_level(was) != CPU_LEVEL_UNKNOWN ? was : "?");
	} else if (user && *user) {
		bi->how = BLAS_CORE_USER;
	} else {
		bi->how = BLAS_CORE_DETECTED;
	}
}

void platform_blas_how(const BlasInfo *bi, char *buf, size_t cap)
{
	switch (bi->how) {
	case BLAS_CORE_RNNLAB:
		snprintf(buf, cap, "chosen by rnnlab; OpenBLAS picked %s", bi->detected);
		break;
	case BLAS_CORE_USER:
		snprintf(buf, cap, "set by OPENBLAS_CORETYPE");
		break;
	default:
		snprintf(buf, cap, "detected by OpenBLAS");
		break;
	}
}

void platform_blas_describe(const BlasInfo *bi, char *buf, size_t cap)
{
	char how[96];
	platform_blas_how(bi, how, sizeof how);
	snprintf(buf, cap, "%s %s, core %s (%s)", bi->library, bi->version[0] ? bi->version : "?", bi->core,
		 how);
}

int platform_start(char **argv, Err *e)
{
	int rc = 0;
	const char *user = getenv("OPENBLAS_CORETYPE"), *was = getenv(ENV_DETECTED);
	if (!(user && *user) && !(was && *was)) {
		BlasInfo bi;
		platform_blas_info(&bi);
		const char *pretend = getenv(ENV_PRETEND);
		const char *detected = pretend && *pretend ? pretend : bi.core;
		CpuLevel cpu = platform_cpu_level();
		const char *want = platform_core_choice(detected, cpu, bi.dynamic);
		if (want) {
			/* Both variables survive the exec: the marker stops a second
			 * restart and tells `--version` what happened. */
			if (setenv("OPENBLAS_CORETYPE", want, 1) || setenv(ENV_DETECTED, detected, 1)) {
				rc = err_set(e, ERR_NOMEM, "cannot set OPENBLAS_CORETYPE=%s", want);
			} else {
				static char *const none[] = { "rnnlab", NULL };
				execv("/proc/self/exe", argv && argv[0] ? argv : none);
				rc = err_set(e, ERR_IO,
					     "OpenBLAS runs its generic %s kernels on this %s CPU and rnnlab could not "
					     "restart with OPENBLAS_CORETYPE=%s; set it yourself for full speed",
					     detected, cpu_level_names[cpu], want);
				unsetenv("OPENBLAS_CORETYPE");
				unsetenv(ENV_DETECTED);
			}
		}
	}
	platform_flush_subnormals();
	return rc;
}
