/* platform.c — subnormal flushing on every computing thread, and the
 * OpenBLAS core that matches the CPU (see platform.h for why). */
#include "platform.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
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

static rlim_t memory_limit(void);

/* OpenBLAS's buffer pool (driver/others/memory.c). */
void *blas_memory_alloc(int procpos);
void blas_memory_free(void *buffer);

/* Under a memory limit OpenBLAS must start no threads of its own: each
 * takes a buffer as it starts (BLAS_BUFFER_BYTES, platform.h) and, when
 * the limit refuses it, tries again for ever, and exit waits for it.
 * rnnlab holds OpenBLAS to one thread anyway (its workers split a batch);
 * the variable must be set before the library loads, so by a restart. */
static int want_one_thread(void)
{
	const char *v = getenv("OPENBLAS_NUM_THREADS");
	return memory_limit() != RLIM_INFINITY && !(v && !strcmp(v, "1"));
}

int platform_start(char **argv, Err *e)
{
	int rc = 0;
	const char *want = NULL, *detected = NULL;
	CpuLevel cpu = CPU_LEVEL_UNKNOWN;
	const char *user = getenv("OPENBLAS_CORETYPE"), *was = getenv(ENV_DETECTED);
	if (!(user && *user) && !(was && *was)) {
		BlasInfo bi;
		platform_blas_info(&bi);
		const char *pretend = getenv(ENV_PRETEND);
		detected = pretend && *pretend ? pretend : bi.core;
		cpu = platform_cpu_level();
		want = platform_core_choice(detected, cpu, bi.dynamic);
	}
	const int one = want_one_thread();
	if (want || one) {
		/* Both core variables survive the exec: the marker stops a second
		 * restart and tells `--version` what happened. */
		if ((one && setenv("OPENBLAS_NUM_THREADS", "1", 1)) ||
		    (want && (setenv("OPENBLAS_CORETYPE", want, 1) || setenv(ENV_DETECTED, detected, 1)))) {
			rc = err_set(e, ERR_NOMEM, "cannot set the environment for OpenBLAS");
		} else {
			static char *const none[] = { "rnnlab", NULL };
			execv("/proc/self/exe", argv && argv[0] ? argv : none);
			if (want)
				rc = err_set(e, ERR_IO,
					     "OpenBLAS runs its generic %s kernels on this %s CPU and rnnlab could not "
					     "restart with OPENBLAS_CORETYPE=%s; set it yourself for full speed",
					     detected, cpu_level_names[cpu], want);
			else
				rc = err_set(e, ERR_IO, "under a memory limit rnnlab restarts with OPENBLAS_NUM_THREADS=1 "
					     "and could not; set it yourself");
			unsetenv("OPENBLAS_CORETYPE");
			unsetenv(ENV_DETECTED);
		}
	}
	platform_flush_subnormals();
	return rc;
}

/* The smaller of the address-space and data limits (RLIM_INFINITY: none). */
static rlim_t memory_limit(void)
{
	rlim_t lim = RLIM_INFINITY;
	struct rlimit r;
	if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
		lim = r.rlim_cur;
	if (getrlimit(RLIMIT_DATA, &r) == 0 && r.rlim_cur != RLIM_INFINITY && r.rlim_cur < lim)
		lim = r.rlim_cur;
	return lim;
}

int blas_room(int calls, Err *e)
{
	static int have;	/* calls whose buffers were found room for */
	enum { MAX_CALLS = 64 };
	if (calls > MAX_CALLS)
		calls = MAX_CALLS;
	if (calls <= have)
		return 0;
	const rlim_t lim = memory_limit();
	if (lim == RLIM_INFINITY)	/* checked again if a limit comes later */
		return 0;
	/* Try what they will take (malloc reserves address space: what the
	 * limits count), then give it back. */
	void *p[MAX_CALLS] = { NULL };
	int n = 0, ok = 1;
	for (; n < calls - have && ok; n++)
		ok = (p[n] = malloc(BLAS_BUFFER_BYTES)) != NULL;
	for (int i = 0; i < n; i++)
		free(p[i]);
	if (!ok) {
		const double mib = 1.0 / (1 << 20);
		return err_set(e, ERR_NOMEM,
			       "the memory limit (ulimit -v or -d: %.0f MiB) leaves too little: OpenBLAS needs %.0f MiB "
			       "more for its buffers (%.0f MiB for each of %d thread%s); raise the limit%s",
			       (double)lim * mib, (double)(calls - have) * (double)BLAS_BUFFER_BYTES * mib,
			       (double)BLAS_BUFFER_BYTES * mib, calls, calls == 1 ? "" : "s",
			       calls > 1 ? " or set threads=1" : "");
	}
	/* Fill OpenBLAS's pool now, while there is room: a buffer given back
	 * stays in the pool, and the threads' calls take from it.
	 * (blas_memory_alloc/free are exported by libopenblas, not in cblas.h.) */
	for (int i = 0; i < calls; i++)	/* all at once: the pool holds `calls` */
		p[i] = blas_memory_alloc(0);
	for (int i = 0; i < calls; i++)
		blas_memory_free(p[i]);
	have = calls;
	return 0;
}
