/* learner.c — what every learner shares: the constructor that picks the
 * implementation, the parameter block's lookup, evaluation sums, and the
 * one writer of probe files. */
#include "learner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int learner_build(int argc, const Word *argv, const DataInfo *di, const TrainConfig *tc, uint64_t seed,
		  uint64_t tseed, Learner **out, Err *e)
{
	if (!argv[0].key && !strcmp(argv[0].text, "seq2seq"))
		return learner_s2s_build(argc, argv, di, tc, seed, tseed, out, e);
	return learner_cells_build(argc, argv, di, tc, seed, tseed, out, e);
}

void learner_free(Learner *l)
{
	if (l)
		l->ops->free(l);
}

int learner_need(const Learner *l, unsigned caps, const char *what, Err *e)
{
	/* who has each capability, in the order of the CAP_ bits */
	static const char *const owners[] = { "rnn, lstm and gru", "seq2seq", "rnn, lstm, gru and seq2seq",
					      "rnn, lstm and gru" };
	if (!l)
		return err_set(e, ERR_STATE, "no model yet (try: model lstm hidden=64)");
	unsigned missing = caps & ~l->ops->caps;
	for (unsigned i = 0; i < sizeof owners / sizeof *owners; i++)
		if (missing & (1u << i))
			return err_set(e, ERR_STATE, "%s does not work on %s models (it works on %s models)", what, l->kind,
				       owners[i]);
	if (missing)	/* a capability this table does not name yet: still refused */
		return err_set(e, ERR_STATE, "%s does not work on %s models", what, l->kind);
	return 0;
}

int learner_part(const Learner *l, const char *name, int *k, Err *e)
{
	int rc = learner_need(l, 0, "part=", e);
	if (rc)
		return rc;
	if (l->nstacks < 2 || !l->stacks[0].part)
		return err_set(e, ERR_INVAL, "part= picks a seq2seq model's encoder or decoder (part=enc|dec); this %s model "
			       "has one stack of cells: leave part= out", l->kind);
	char names[64] = "";
	for (int i = 0; i < l->nstacks; i++) {
		if (!strcmp(name, l->stacks[i].part)) {
			*k = i;
			return 0;
		}
		size_t n = strlen(names);
		snprintf(names + n, sizeof names - n, "%s%s", i == 0 ? "" : i == l->nstacks - 1 ? " or " : ", ",
			 l->stacks[i].part);
	}
	return err_set(e, ERR_INVAL, "part must be %s, got '%s'", names, name);
}

double eval_loss(const EvalSums *r)
{
	return r->weight > 0 ? r->loss_sum / r->weight : NAN;
}

double eval_accuracy(const EvalSums *r)
{
	if (r->seqs)
		return (double)r->seq_correct / (double)r->seqs;
	return r->scored ? (double)r->correct / (double)r->scored : NAN;
}

int probe_file_write(const ProbeFile *pf, const char *path, Err *e)
{
	const long T = pf->T, B = pf->B, H = pf->H, L = pf->L;
	NpzWriter *w;
	int rc = npz_writer_open(&w, path, NPZ_STORED, e);
	if (rc)
		return rc;
	float *st = malloc((size_t)(L * B * H) * sizeof *st);
	if (!st) {
		npz_writer_abort(w);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	long so[3] = { T, B, pf->O }, sl[3] = { L, B, H }, sh[3] = { T, B, H }, sa[3] = { T, B, pf->S };
	rc = npz_writer_add(w, "output", NPY_F32, 3, so, pf->output, e);
	for (int k = 0; k < L; k++)	/* the final states: h[T] of each layer */
		memcpy(st + (size_t)k * B * H, pf->layers[k].h + (size_t)T * B * H, (size_t)(B * H) * sizeof *st);
	if (!rc)
		rc = npz_writer_add(w, "h_n", NPY_F32, 3, sl, st, e);
	if (!rc && pf->has_c) {
		for (int k = 0; k < L; k++)
			memcpy(st + (size_t)k * B * H, pf->layers[k].c + (size_t)T * B * H, (size_t)(B * H) * sizeof *st);
		rc = npz_writer_add(w, "c_n", NPY_F32, 3, sl, st, e);
	}
	float loss = (float)pf->loss;
	if (!rc)
		rc = npz_writer_add(w, "loss", NPY_F32, 0, NULL, &loss, e);
	if (!rc)
		rc = npz_writer_add(w, "dh", NPY_F32, 3, sh, pf->dh, e);
	if (!rc && pf->attn)
		rc = npz_writer_add(w, "attn", NPY_F32, 3, sa, pf->attn, e);
	const ParamBlock *pb = pf->pb;
	for (int i = 0; i < pb->ntensors && !rc; i++) {
		const ParamInfo *pi = &pb->tensors[i];
		char name[64];
		long shape[2] = { pi->shape[0], pi->shape[1] };
		snprintf(name, sizeof name, "grad.%s", pi->name);
		rc = npz_writer_add(w, name, NPY_F32, pi->ndim, shape, pb->grads + pi->offset, e);
	}
	free(st);
	if (rc) {
		npz_writer_abort(w);
		return rc;
	}
	return npz_writer_close(w, e);
}
