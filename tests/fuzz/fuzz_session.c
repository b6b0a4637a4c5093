/* fuzz_session.c — `load FILE` on a session file (an .npz with a text
 * part), over a session that already has a model, data and history.
 *
 * Properties checked, beyond the sanitizers':
 *   - a refused file leaves the session as it was (weights, history,
 *     model line, journal);
 *   - a loaded session saves, and that file loads again to the same
 *     weights, history and model (the journal gains the `load` line);
 *   - a loaded session can show itself and train a step.
 *
 * Byte-level mutation rarely gets a deflated member past its CRC, so the
 * libFuzzer build also mutates the archive's members (npz_mutate.h).  Session texts
 * that name a big model or dataset or a path with '/' are skipped, as in
 * fuzz_cmd (fuzz_cheap).
 */
#include "fuzz.h"
#include "npz.h"
#include "npz_mutate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

/* The cheap-input check on the session text: its data=, model= and
 * set.K= lines are what `data`, `model` and `set` would be given. */
static int session_cheap(const uint8_t *data, size_t size)
{
	Npz z;
	Err e;
	if (npz_read_mem(&z, data, size, "in", &e))
		return 1;	/* refused before any of it is used */
	int ok = 1;
	const NpyArray *t = npz_find(&z, "session");
	if (t && t->dtype == NPY_U8) {
		const char *p = t->data, *end = p + t->count;
		while (p < end && ok) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			char line[4200];
			if (n > 4000)
				n = 4000;
			const char *eq = memchr(p, '=', n);
			if (eq && n > 5 && !memcmp(p, "data=", 5))
				snprintf(line, sizeof line, "data %.*s", (int)(n - 5), p + 5);
			else if (eq && n > 6 && !memcmp(p, "model=", 6))
				snprintf(line, sizeof line, "model %.*s", (int)(n - 6), p + 6);
			else if (eq && n > 4 && !memcmp(p, "set.", 4))
				snprintf(line, sizeof line, "set %.*s", (int)(n - 4), p + 4);
			else
				line[0] = '\0';
			ok = fuzz_cheap_line(line);
			p = nl ? nl + 1 : end;
		}
	}
	npz_free(&z);
	return ok;
}

typedef struct Snapshot {
	size_t n;
	float *params;
	size_t hist_n;
	double *loss;
	char model_line[512];
	int njournal;
} Snapshot;

static void snap_take(Session *s, Snapshot *sn)
{
	ParamBlock pb;
	memset(sn, 0, sizeof *sn);
	if (session_params(s, &pb)) {
		sn->n = pb.nparam;
		sn->params = malloc(pb.nparam * sizeof(float));
		if (!sn->params)
			abort();
		memcpy(sn->params, pb.params, pb.nparam * sizeof(float));
	}
	sn->hist_n = s->hist.n;
	sn->loss = malloc((s->hist.n + 1) * sizeof(double));
	if (!sn->loss)
		abort();
	if (s->hist.n)
		memcpy(sn->loss, s->hist.col[HIST_LOSS], s->hist.n * sizeof(double));
	snprintf(sn->model_line, sizeof sn->model_line, "%s", session_model_line(s));
	sn->njournal = s->njournal;
}

/* NULL when s matches the snapshot (its journal longer by journal_grew
 * lines), else what differs. */
static const char *snap_diff(Session *s, const Snapshot *sn, int journal_grew)
{
	ParamBlock pb;
	int has = session_params(s, &pb);
	if (has != (sn->params != NULL))
		return "a model appeared or went";
	if (has && (pb.nparam != sn->n || memcmp(pb.params, sn->params, sn->n * sizeof(float))))
		return "the weights";
	if (s->hist.n != sn->hist_n || (sn->hist_n && memcmp(s->hist.col[HIST_LOSS], sn->loss, sn->hist_n * sizeof(double))))
		return "the history";
	if (strcmp(session_model_line(s), sn->model_line))
		return "the model line";
	if (s->njournal != sn->njournal + journal_grew)
		return "the journal";
	return NULL;
}

static void snap_free(Snapshot *sn)
{
	free(sn->params);
	free(sn->loss);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (!session_cheap(data, size))
		return -1;
	fuzz_write("in.rnnlab", data, size);
	Session *s = fuzz_session();
	if (session_exec(s, "data adding T=5 n=20; model rnn hidden=3; set batch=2; train 1") != 0)
		abort();
	Snapshot before;
	snap_take(s, &before);
	if (session_exec(s, "load in.rnnlab") != 0) {
		const char *d = snap_diff(s, &before, 0);
		if (d) {
			fprintf(stderr, "fuzz_session: a refused load changed the session: %s\n", d);
			abort();
		}
	} else {
		Snapshot loaded;
		snap_take(s, &loaded);
		if (session_exec(s, "save out.rnnlab") != 0 || session_exec(s, "load out.rnnlab") != 0) {
			fprintf(stderr, "fuzz_session: a loaded session does not save and load again\n");
			abort();
		}
		const char *d = snap_diff(s, &loaded, 1);
		if (d) {
			fprintf(stderr, "fuzz_session: save and load changed the session: %s\n", d);
			abort();
		}
		snap_free(&loaded);
		session_exec(s, "show; model show; history 3; journal; runs");
		if (s->data)
			session_exec(s, "data info");
		session_exec(s, "train 1");
	}
	snap_free(&before);
	session_free(s);
	fuzz_clean();
	return 0;
}

#ifdef FUZZ_LIBFUZZER
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return fuzz_npz_mutate(data, size, max_size, seed);
}
#endif
