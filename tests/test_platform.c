/* test_platform.c — subnormals flushed on every computing thread, and the
 * choice of OpenBLAS core (platform.h). */
#include <cblas.h>
#include <float.h>
#include <pthread.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "testutil.h"

/* valgrind runs the program on a simulated CPU that ignores FTZ and DAZ
 * (IEEE arithmetic always): the flush checks are skipped there, and only
 * there (make valgrind runs every suite). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#define SKIP_UNDER_VALGRIND()                                                                  \
	do {                                                                                   \
		if (RUNNING_ON_VALGRIND) {                                                     \
			print_message("skipped: valgrind's CPU ignores FTZ/DAZ\n");            \
			skip();                                                                \
		}                                                                              \
	} while (0)

/* The smallest normal float is 2^-126 ~ 1.18e-38; 1e-30 * 1e-10 = 1e-40 is
 * subnormal, and so is the float with bit pattern 0x00400000 (2^-127). */
__attribute__((noinline)) static float subnormal_product(void)
{
	volatile float a = 1e-30f, b = 1e-10f;
	return a * b;
}

__attribute__((noinline)) static float subnormal_input_doubled(void)
{
	union {
		uint32_t u;
		float f;
	} v = { 0x00400000u };
	volatile float s = v.f;
	return s * 2.0f;	/* 2^-126 (normal) unless the input reads as 0 */
}

static void test_flush_main_thread(void **state)
{
	(void)state;
	SKIP_UNDER_VALGRIND();
	/* main() ran tu_start -> platform_start, as rnnlab's main does. */
	assert_true(platform_flushing());
	assert_true(subnormal_product() == 0.0f);
	assert_true(subnormal_input_doubled() == 0.0f);
	assert_non_null(strstr(platform_flush_describe(), "flushed to zero"));
#if defined(__x86_64__)
	/* The same arithmetic without the mode gives subnormals: the checks
	 * above can fail. */
	unsigned csr = _mm_getcsr();
	_mm_setcsr(csr & ~0x8040u);
	assert_false(platform_flushing());
	float p = subnormal_product(), q = subnormal_input_doubled();
	_mm_setcsr(csr);
	/* Compared as bits: with DAZ back on, a subnormal compares equal to 0. */
	uint32_t pb, qb, minb;
	float fmin = FLT_MIN;
	memcpy(&pb, &p, 4);
	memcpy(&qb, &q, 4);
	memcpy(&minb, &fmin, 4);
	assert_true((pb & 0x7f800000u) == 0 && (pb & 0x007fffffu) != 0);	/* subnormal */
	assert_true(qb == minb);
	assert_non_null(strstr(platform_flush_describe(), "flushed"));
#endif
}

static void *thread_check(void *arg)
{
	int *ok = arg;
	*ok = platform_flushing() && subnormal_product() == 0.0f && subnormal_input_doubled() == 0.0f;
	return NULL;
}

/* A thread started after the mode is set inherits it (the trainer's
 * workers also set it themselves when they start). */
static void test_flush_new_thread(void **state)
{
	(void)state;
	SKIP_UNDER_VALGRIND();
	pthread_t t;
	int ok = 0;
	assert_int_equal(pthread_create(&t, NULL, thread_check, &ok), 0);
	pthread_join(t, NULL);
	assert_true(ok);
}

/* OpenBLAS's own threads were started when the library loaded, before
 * main(); it hands the caller's MXCSR to them with each job.  A product
 * whose every element is subnormal (1e-20 * 1e-20) comes back all zero from
 * a two-thread sgemm, the other thread's rows included. */
static void test_flush_openblas_threads(void **state)
{
	(void)state;
	SKIP_UNDER_VALGRIND();
	enum { N = 384 };
	float *A = malloc(sizeof(float) * N * N), *B = calloc(N * N, sizeof(float)), *C = malloc(sizeof(float) * N * N);
	assert_non_null(A);
	assert_non_null(B);
	assert_non_null(C);
	for (int i = 0; i < N * N; i++)
		A[i] = 1e-20f;
	for (int i = 0; i < N; i++)
		B[i * N + i] = 1e-20f;
	int before = openblas_get_num_threads();
	openblas_set_num_threads(2);
	for (int i = 0; i < N * N; i++)
		C[i] = 1;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1, A, N, B, N, 0, C, N);
	long nonzero = 0;
	for (int i = 0; i < N * N; i++)
		nonzero += C[i] != 0;
	openblas_set_num_threads(before);
	assert_int_equal(nonzero, 0);
	free(A);
	free(B);
	free(C);
}

static void test_core_levels(void **state)
{
	(void)state;
	assert_int_equal(platform_core_level("Prescott"), CPU_LEVEL_SSE);
	assert_int_equal(platform_core_level("prescott"), CPU_LEVEL_SSE);
	assert_int_equal(platform_core_level("Nehalem"), CPU_LEVEL_SSE);
	assert_int_equal(platform_core_level("Opteron(SSE3)"), CPU_LEVEL_SSE);
	assert_int_equal(platform_core_level("Sandybridge"), CPU_LEVEL_AVX);
	assert_int_equal(platform_core_level("Haswell"), CPU_LEVEL_AVX2);
	assert_int_equal(platform_core_level("Zen"), CPU_LEVEL_AVX2);
	assert_int_equal(platform_core_level("SkylakeX"), CPU_LEVEL_AVX512);
	assert_int_equal(platform_core_level("Cooperlake"), CPU_LEVEL_AVX512);
	assert_int_equal(platform_core_level("NEOVERSEN1"), CPU_LEVEL_UNKNOWN);
	assert_int_equal(platform_core_level(""), CPU_LEVEL_UNKNOWN);
	assert_int_equal(platform_core_level(NULL), CPU_LEVEL_UNKNOWN);
}

static void test_core_choice(void **state)
{
	(void)state;
	/* The case of the report: Debian's 0.3.21 on a new AVX-512 Xeon. */
	assert_string_equal(platform_core_choice("Prescott", CPU_LEVEL_AVX512, 1), "SkylakeX");
	assert_string_equal(platform_core_choice("Prescott", CPU_LEVEL_AVX2, 1), "Haswell");
	assert_string_equal(platform_core_choice("Sandybridge", CPU_LEVEL_AVX2, 1), "Haswell");
	assert_string_equal(platform_core_choice("Core2", CPU_LEVEL_AVX, 1), "Sandybridge");
	assert_string_equal(platform_core_choice("Haswell", CPU_LEVEL_AVX512, 1), "SkylakeX");
	/* Nothing better to have, or the right core already. */
	assert_null(platform_core_choice("Prescott", CPU_LEVEL_SSE, 1));
	assert_null(platform_core_choice("Haswell", CPU_LEVEL_AVX2, 1));
	assert_null(platform_core_choice("Zen", CPU_LEVEL_AVX2, 1));
	assert_null(platform_core_choice("SkylakeX", CPU_LEVEL_AVX512, 1));
	assert_null(platform_core_choice("Cooperlake", CPU_LEVEL_AVX512, 1));
	/* A library that cannot switch, a core or CPU rnnlab does not know. */
	assert_null(platform_core_choice("Prescott", CPU_LEVEL_AVX512, 0));
	assert_null(platform_core_choice("ARMV8", CPU_LEVEL_AVX512, 1));
	assert_null(platform_core_choice("Prescott", CPU_LEVEL_UNKNOWN, 1));
}

static void test_blas_info(void **state)
{
	(void)state;
	BlasInfo bi;
	char buf[160];
	platform_blas_info(&bi);
	assert_string_equal(bi.library, "OpenBLAS");
	assert_true(bi.version[0] >= '0' && bi.version[0] <= '9' && strchr(bi.version, '.'));
	assert_string_equal(bi.core, openblas_get_corename());
	assert_true(bi.threads >= 1);
	platform_blas_describe(&bi, buf, sizeof buf);
	assert_non_null(strstr(buf, bi.core));
	assert_non_null(strstr(buf, bi.version));

	/* Who chose the core follows the environment rnnlab started in. */
	char *user = getenv("OPENBLAS_CORETYPE"), *was = getenv("RNNLAB_BLAS_DETECTED");
	char su[64] = "", sw[64] = "";
	snprintf(su, sizeof su, "%s", user ? user : "");
	snprintf(sw, sizeof sw, "%s", was ? was : "");
	unsetenv("OPENBLAS_CORETYPE");
	unsetenv("RNNLAB_BLAS_DETECTED");
	platform_blas_info(&bi);
	assert_int_equal(bi.how, BLAS_CORE_DETECTED);
	platform_blas_describe(&bi, buf, sizeof buf);
	assert_non_null(strstr(buf, "detected by OpenBLAS"));
	setenv("OPENBLAS_CORETYPE", "Haswell", 1);
	platform_blas_info(&bi);
	assert_int_equal(bi.how, BLAS_CORE_USER);
	platform_blas_describe(&bi, buf, sizeof buf);
	assert_non_null(strstr(buf, "set by OPENBLAS_CORETYPE"));
	setenv("RNNLAB_BLAS_DETECTED", "Prescott", 1);
	platform_blas_info(&bi);
	assert_int_equal(bi.how, BLAS_CORE_RNNLAB);
	assert_string_equal(bi.detected, "Prescott");
	platform_blas_describe(&bi, buf, sizeof buf);
	assert_non_null(strstr(buf, "chosen by rnnlab; OpenBLAS picked Prescott"));
	/* A marker that is not a core name is not printed (it came from the
	 * environment, perhaps with escape sequences). */
	setenv("RNNLAB_BLAS_DETECTED", "\033]0;pwned\a", 1);
	platform_blas_info(&bi);
	assert_string_equal(bi.detected, "?");
	if (su[0])
		setenv("OPENBLAS_CORETYPE", su, 1);
	else
		unsetenv("OPENBLAS_CORETYPE");
	if (sw[0])
		setenv("RNNLAB_BLAS_DETECTED", sw, 1);
	else
		unsetenv("RNNLAB_BLAS_DETECTED");
}

/* The running CPU's level agrees with the instruction sets it reports. */
static void test_cpu_level(void **state)
{
	(void)state;
	CpuLevel l = platform_cpu_level();
#if defined(__x86_64__)
	__builtin_cpu_init();
	assert_int_equal(l >= CPU_LEVEL_AVX2, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
	assert_true(l != CPU_LEVEL_UNKNOWN);
#else
	assert_int_equal(l, CPU_LEVEL_UNKNOWN);
#endif
}

int main(int argc, char **argv)
{
	tu_start(argc, argv);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_main_thread),
		cmocka_unit_test(test_flush_new_thread),
		cmocka_unit_test(test_flush_openblas_threads),
		cmocka_unit_test(test_core_levels),
		cmocka_unit_test(test_core_choice),
		cmocka_unit_test(test_blas_info),
		cmocka_unit_test(test_cpu_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
