/* main.c — rnnlab's entry point: picks the front end from the arguments. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "frontend.h"
#include "lessons.h"
#include "out.h"
#include "platform.h"
#include "term.h"

/* At most 79 columns a line: --help is read in an 80-column terminal, and
 * the manual page is made from it (manpage.c: the invocations up to the
 * first blank line, a line starting with an option an entry of OPTIONS). */
static const char usage_text[] =
	"usage: rnnlab [--ascii] [--log FILE] [FILE.lab]\n"
	"                                  the workbench (running FILE.lab when given)\n"
	"       rnnlab --plain [FILE.lab]  the plain line REPL (also with TERM=dumb)\n"
	"       rnnlab --batch FILE|-      run FILE's commands (- stdin) without the TUI\n"
	"       rnnlab -c 'CMD; CMD'       run the commands, then exit\n"
	"       rnnlab --bench KEY=VALUE...  training throughput (see below)\n"
	"       rnnlab --help | --version | --man\n"
	"\n"
	"Without arguments rnnlab starts the workbench when stdin and stdout are\n"
	"terminals, else it reads commands from stdin as --batch - does.  Inside, `help`\n"
	"lists the commands.  A script stops at its first error.  FILE.lab may be a\n"
	"lesson's number or file name (rnnlab 3, rnnlab --batch 02-vanishing).\n"
	"--ascii draws plots with ASCII only (also chosen for a non-UTF-8 locale) and\n"
	"without colour, as NO_COLOR=1 does: shades and dot patterns.  Otherwise colour\n"
	"follows the terminal: 24-bit with COLORTERM=truecolor (or 24bit), else its 256\n"
	"or 8 colours; `set colour=` overrides, `show colour` says which.\n"
	"--fast (or RNNLAB_FAST=1) skips the `full` lines of lessons.\n"
	"--seed-shift N adds N to every seed (`set seed=S` becomes S+N): a lesson on\n"
	"other seeds.\n"
	"--log FILE writes the workbench's log to FILE as well (a record of a class).\n"
	"--max-commands N, --max-output MB: what a script may run and print (100000\n"
	"commands, 64 MiB; help run).\n"
	"--version names the BLAS library and core in use, the subnormal mode and where\n"
	"the lessons and data are.\n"
	"--man prints the manual page (roff).\n"
	"--help, -h print this text.\n"
	"\n"
	"bench keys: cell=rnn|lstm|gru in=N hidden=N layers=N batch=N seq=N\n"
	"            steps=N warmup=N threads=N checkpoint=K\n"
	"            (defaults: lstm 128 128 1 32 64 50 3 1 0)\n"
	"       rnnlab --bench peak   this machine's sgemm GFLOP/s\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int run_bench(int argc, char **argv)
{
	BenchConfig c;
	BenchResult r;
	Err e;
	bench_config_default(&c);
	if (argc >= 1 && !strcmp(argv[0], "peak")) {	/* the sgemm ceiling, with the BLAS threads set */
		double g;
		if (bench_peak(1024, &g, &e)) {
			fprintf(stderr, "rnnlab: %s\n", e.msg);
			return 1;
		}
		printf("sgemm GFLOP/s: %.1f\n", g);
		return 0;
	}
	if (bench_parse(&c, argc, argv, &e)) {
		fprintf(stderr, "rnnlab: %s\n", e.msg);
		return 2;
	}
	printf("bench: cell=%s in=%d hidden=%d layers=%d batch=%d seq=%d steps=%d threads=%d\n",
	       cell_names[c.cell], c.in, c.hidden, c.layers, c.batch, c.seq, c.steps, c.threads);
	if (bench_run(&c, &r, &e)) {
		fprintf(stderr, "rnnlab: %s\n", e.msg);
		return 1;
	}
	printf("time: %.3f s for %d steps (%.2f ms/step), final loss %.4f\n", r.seconds, c.steps,
	       1e3 * r.seconds / c.steps, r.final_loss);
	printf("memory: parameters, gradients and optimizer state %.1f MiB, activations %.1f MiB\n",
	       r.param_bytes / (1 << 20), r.act_bytes / (1 << 20));
	printf("GFLOP/s: %.1f\n", r.gflops);
	printf("tokens/s: %.0f\n", r.tokens_per_s);
	return 0;
}

/* --version: the program, and the machine under its numbers. */
static void version(void)
{
	BlasInfo bi;
	char blas[160];
	platform_blas_info(&bi);
	platform_blas_describe(&bi, blas, sizeof blas);
	printf("rnnlab %s\n", RNNLAB_VERSION);
	printf("BLAS:   %s\n", blas);
	printf("CPU:    %s\n", cpu_level_names[platform_cpu_level()]);
	printf("floats: %s\n", platform_flush_describe());
	LessonInfo ls[LESSONS_MAX];
	int n = lessons_list(ls, LESSONS_MAX);
	if (n) {
		const char *slash = strrchr(ls[0].path, '/');
		printf("lessons: %d in %.*s\n", n, slash ? (int)(slash - ls[0].path) : 1, slash ? ls[0].path : ".");
	} else {
		printf("lessons: none found ($RNNLAB_LESSONS, ./scenarios, beside rnnlab, %s/scenarios)\n", RNNLAB_SHAREDIR);
	}
	char path[1100];
	Err e;
	const char *env = getenv("RNNLAB_DATA");
	const int has_env = env && *env;	/* read before unsetenv, which may free it */
	if (has_env) {	/* looked in first, file by file */
		char safe[1100];
		snprintf(safe, sizeof safe, "%s", env);
		text_sanitize(safe);
		printf("data:    %s (RNNLAB_DATA) first, then the bundled files\n", safe);
		unsetenv("RNNLAB_DATA");	/* --version exits next: find the bundled ones */
	}
	printf("%s %s\n", has_env ? "bundled:" : "data:   ", data_find("sunspots.csv", path, sizeof path, &e) ?
	       "the bundled files are not found" : (*strrchr(path, '/') = '\0', path));
}

/* The script named on the command line: a file, a lesson's number or a
 * lesson's file name from any directory (lesson_path); 1 after saying why not. */
static int script_path(const char *arg, char *file, size_t cap)
{
	Err e = { 0 };
	if (!lesson_path(arg, file, cap, &e))
		return 0;
	char safe[256];	/* a stranger's argument: made safe to print */
	snprintf(safe, sizeof safe, "%s", e.msg);
	text_sanitize(safe);
	fprintf(stderr, "rnnlab: %s\n", safe);
	return 1;
}

int main(int argc, char **argv)
{
	/* First: the right BLAS kernels (may restart the program once) and
	 * subnormals flushed on this thread, which every other inherits. */
	Err pe;
	if (platform_start(argv, &pe))
		fprintf(stderr, "rnnlab: %s\n", pe.msg);
	setlocale(LC_ALL, "");
	Options o = { 0 };
	const char *codeset = nl_langinfo(CODESET);
	o.ascii = !codeset || strcmp(codeset, "UTF-8") != 0;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		o.no_color = "NO_COLOR is set";
	int plain = 0;
	const char *fast = getenv("RNNLAB_FAST");
	o.fast = fast && *fast && strcmp(fast, "0");
	const char *term = getenv("TERM");
	if (!term || !strcmp(term, "dumb"))
		plain = 1;

	/* a sweep's workers run this very program: its path, resolved now */
	char exe[4096];
	ssize_t xl = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (xl > 0) {
		exe[xl] = '\0';
		if (access(exe, X_OK) != 0)	/* replaced or deleted since it started */
			snprintf(exe, sizeof exe, "/proc/self/exe");
		o.exe = exe;
	}
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			usage(stdout);
			return output_finish(0);
		} else if (!strcmp(a, "--man")) {
			manpage(stdout, usage_text);
			return output_finish(0);
		} else if (!strcmp(a, "--version")) {
			version();
			return output_finish(0);
		} else if (!strcmp(a, "--bench")) {
			return output_finish(run_bench(argc - i - 1, argv + i + 1));
		} else if (!strcmp(a, "--ascii")) {
			o.ascii = 1;
			if (!o.no_color)
				o.no_color = "--ascii";
		} else if (!strcmp(a, "--fast")) {
			o.fast = 1;
		} else if (!strcmp(a, "--seed-shift")) {
			char *end = NULL;
			long n = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (!end || *end || end == argv[i + 1] || n < 0 || n > 1000000) {
				fprintf(stderr, "rnnlab: --seed-shift needs a whole number from 0 to 1000000, got '%s'\n",
					i + 1 < argc ? argv[i + 1] : "");
				return 2;
			}
			o.seed_shift = (unsigned long)n;
			i++;
		} else if (!strcmp(a, "--max-commands") || !strcmp(a, "--max-output")) {
			char *end = NULL;
			long n = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
			if (!end || *end || end == argv[i + 1] || n < 1 || n > 1000000000) {
				fprintf(stderr, "rnnlab: %s needs a whole number from 1 to 1000000000, got '%s'\n", a,
					i + 1 < argc ? argv[i + 1] : "");
				return 2;
			}
			if (a[6] == 'c')
				o.max_commands = n;
			else
				o.max_output = (size_t)n << 20;
			i++;
		} else if (!strcmp(a, "--log")) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "rnnlab: --log needs a file: rnnlab --log class.log [FILE.lab]\n");
				return 2;
			}
			o.log = argv[++i];
		} else if (!strcmp(a, "--plain")) {
			plain = 1;
		} else if (!strcmp(a, "--batch")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "rnnlab: --batch needs a file, or - for stdin\n");
				return 2;
			}
			if (i + 2 < argc) {
				fprintf(stderr, "rnnlab: --batch takes one file, got more: '%s'\n", argv[i + 2]);
				return 2;
			}
			if (o.log) {
				fprintf(stderr, "rnnlab: --log is for the workbench; batch and plain output is text already (redirect it)\n");
				return 2;
			}
			char file[1024];
			if (strcmp(argv[i + 1], "-") && script_path(argv[i + 1], file, sizeof file))
				return 2;
			return batch_run_file(strcmp(argv[i + 1], "-") ? file : "-", &o);
		} else {
			fprintf(stderr, "rnnlab: unknown option '%s' (rnnlab --help lists them)\n", a);
			return 2;
		}
	}
	if (i < argc && !strcmp(argv[i], "-c")) {
		if (i + 1 >= argc) {
			fprintf(stderr, "rnnlab: -c needs commands: rnnlab -c 'CMD; CMD'\n");
			return 2;
		}
		if (o.log) {
			fprintf(stderr, "rnnlab: --log is for the workbench; batch and plain output is text already (redirect it)\n");
			return 2;
		}
		return batch_run_string(argv[i + 1], &o);
	}
	if (i < argc && !strcmp(argv[i], "-h")) {
		usage(stdout);
		return output_finish(0);
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		fprintf(stderr, "rnnlab: unknown option '%s' (rnnlab --help lists them)\n", argv[i]);
		return 2;
	}
	if (i + 1 < argc) {
		fprintf(stderr, "rnnlab: one script at a time, got '%s' and '%s'\n", argv[i], argv[i + 1]);
		return 2;
	}
	char file[1024];
	if (i < argc && script_path(argv[i], file, sizeof file))
		return 2;
	const char *script = i < argc ? file : NULL;
	if (o.log && (plain || !isatty(0) || !isatty(1))) {
		fprintf(stderr, "rnnlab: --log is for the workbench; batch and plain output is text already (redirect it)\n");
		return 2;
	}
	if (!isatty(0) || !isatty(1)) {
		if (script)
			return batch_run_file(script, &o);
		return batch_run_file("-", &o);
	}
	if (!plain && !term_known()) {
		char safe[64];	/* a name from the environment: made safe to print */
		snprintf(safe, sizeof safe, "%s", getenv("TERM") ? getenv("TERM") : "");
		text_sanitize(safe);
		fprintf(stderr, "rnnlab: the terminal '%s' has no terminfo entry here; using the plain line mode "
			"(TERM=xterm-256color rnnlab starts the workbench)\n", safe);
		if (o.log) {
			fprintf(stderr, "rnnlab: --log is for the workbench\n");
			return 2;
		}
		plain = 1;
	}
	if (plain)
		return repl_run(script, &o);
	return tui_run(script, &o);
}
