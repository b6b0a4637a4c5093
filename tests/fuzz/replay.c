/* replay.c — run inputs through a fuzz target without libFuzzer.
 *
 *   replay_npz FILE|DIR...
 *
 * Linked with one fuzz_<name>.o by the normal compiler (and under SAN=1
 * with ASan and UBSan), so `make test` replays the seed corpus and every
 * crash input ever found.  Each input runs in a child process: a crash,
 * a sanitizer report or a hang (FUZZ_REPLAY_TIMEOUT seconds, 120) fails
 * that input and names its file; the others still run.  The last line
 * says "NAME: N passed, M failed"; the exit status is 1 when any failed.
 * An input the target skips (returns -1: too expensive to run) passes,
 * but is named: a seed that is skipped seeds nothing.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_ASAN 1
#endif
#endif

typedef struct Input {
	char *path;
	uint8_t *data;
	size_t size;
} Input;

static Input *inputs;
static size_t ninputs, capinputs;

static int read_input(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			return -1;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
	}
	fclose(f);
	if (ninputs == capinputs) {
		capinputs = capinputs ? capinputs * 2 : 64;
		inputs = realloc(inputs, capinputs * sizeof *inputs);
		if (!inputs)
			return -1;
	}
	inputs[ninputs++] = (Input){ strdup(path), buf, n };
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every file in a directory (sorted; dot files and README.md
 * skipped). */
static int add_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return read_input(path);
	DIR *d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README.md"))
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", path, names[i]);
		if (read_input(p))
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int bad = 0;
	for (int i = 1; i < argc; i++)
		if (add_path(argv[i]))
			bad = 1;
	if (bad) {
		printf("%s: 0 passed, 1 failed (an input could not be read)\n", name);
		return 2;
	}
	const char *to = getenv("FUZZ_REPLAY_TIMEOUT");
	unsigned timeout = to && atoi(to) > 0 ? (unsigned)atoi(to) : 120;
	/* After reading: the targets may move into their private directory. */
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	size_t pass = 0, fail = 0;
	for (size_t i = 0; i < ninputs; i++) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
#ifndef REPLAY_ASAN
			/* Without ASan's allocation cap, keep a runaway input
			 * from taking the machine: 8 GiB of address space. */
			struct rlimit rl = { (rlim_t)8 << 30, (rlim_t)8 << 30 };
			setrlimit(RLIMIT_AS, &rl);
#endif
			alarm(timeout);
			if (LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].size) == -1)
				fprintf(stderr, "%s: skipped %s (the target refuses it as too expensive)\n", name,
					inputs[i].path);
			exit(0);	/* not _exit: LeakSanitizer checks at exit */
		}
		int st;
		while (waitpid(pid, &st, 0) < 0)
			;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			pass++;
			continue;
		}
		fail++;
		if (WIFSIGNALED(st))
			fprintf(stderr, "%s: FAIL %s (%s)\n", name, inputs[i].path,
				WTERMSIG(st) == SIGALRM ? "timed out" : strsignal(WTERMSIG(st)));
		else
			fprintf(stderr, "%s: FAIL %s (exit %d)\n", name, inputs[i].path, WEXITSTATUS(st));
	}
	printf("%s: %zu passed, %zu failed\n", name, pass, fail);
	for (size_t i = 0; i < ninputs; i++) {
		free(inputs[i].path);
		free(inputs[i].data);
	}
	free(inputs);
	return fail ? 1 : 0;
}
