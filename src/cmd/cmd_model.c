/* cmd_model.c — model, model show, import, export, probe, gradcheck: the
 * commands on the current learner's model and its parameter block. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "fileutil.h"
#include "gradcheck.h"
#include "npz.h"

static void model_show(Session *s)
{
	const ParamBlock *pb = &s->lr->pb;
	const Out o = session_out(s);
	tensor_table(s, pb->tensors, pb->ntensors);
	size_t opt = (pb->opt->m ? pb->nparam : 0) + (pb->opt->v ? pb->nparam : 0);
	session_printf(s, "  %zu parameters (%.1f KiB); with gradients and %s state %.1f KiB", pb->nparam,
		       pb->nparam * 4.0 / 1024, optim_names[pb->opt->cfg.kind],
		       (2.0 * pb->nparam + (double)opt) * 4.0 / 1024);
	s->lr->ops->show(s->lr, &s->tcfg, &o);
	distill_show(s);	/* a distilled student: from what, how much smaller */
}

int cmd_model(Session *s, int argc, const Word *argv, Err *e)
{
	if (!argv[1].key && !strcmp(argv[1].text, "show")) {
		if (argc > 2)
			return err_set(e, ERR_INVAL, "model show takes no arguments");
		if (!s->lr)
			return err_set(e, ERR_STATE, "no model yet (try: model lstm hidden=64)");
		model_show(s);
		return 0;
	}
	Rng r = s->rng;
	uint64_t seed = rng_next(&r), tseed = rng_next(&r);
	TrainConfig tc = s->tcfg;
	tc.loss = session_loss(s);
	Learner *l;
	int rc = learner_build(argc - 1, argv + 1, s->data ? data_info(s->data) : NULL, &tc, seed, tseed, &l, e);
	if (rc)
		return rc;
	session_end_model(s);
	session_install(s, l);
	session_start_run(s, &r, seed);
	session_printf(s, "%s: %zu parameters", l->line + 6, l->pb.nparam);
	return 0;
}

int cmd_export(Session *s, int argc, const Word *argv, Err *e)
{
	const char *path = argv[1].text;
	ParamBlock pb;
	session_params(s, &pb);
	const ParamBlock *m = &pb;
	int force, rc = arg_force(argc, argv, 2, "export FILE.npz [force]", &force, e);
	if (rc || (rc = npz_may_write(path, force, e)))
		return rc;
	NpzWriter *w;
	if ((rc = npz_writer_open(&w, path, NPZ_STORED, e)))
		return rc;
	for (int i = 0; i < m->ntensors; i++) {
		const ParamInfo *p = &m->tensors[i];
		long shape[2] = { p->shape[0], p->shape[1] };
		if ((rc = npz_writer_add(w, p->name, NPY_F32, p->ndim, shape, m->params + p->offset, e))) {
			npz_writer_abort(w);
			return rc;
		}
	}
	if ((rc = npz_writer_close(w, e)))
		return rc;
	session_printf(s, "exported %d tensors (%zu parameters) to %s", m->ntensors, m->nparam, path);
	return 0;
}

/* Check a tensor in z against p: present, float, same shape. */
static int check_tensor(const Npz *z, const char *path, const ParamInfo *p, const NpyArray **out, Err *e)
{
	const NpyArray *a = npz_find(z, p->name);
	if (!a)
		return err_set(e, ERR_FORMAT, "%s has no '%s' (model show lists the tensors this model needs)", path,
			       p->name);
	if (!npy_is_float(a))
		return err_set(e, ERR_FORMAT, "%s: '%s' is %s, not float32 or float64", path, p->name,
			       npy_dtype_names[a->dtype]);
	int ok = a->ndim == p->ndim && a->shape[0] == p->shape[0] && (p->ndim == 1 || a->shape[1] == p->shape[1]);
	if (!ok) {
		char got[64];
		npy_format_shape(a->ndim, a->shape, got, sizeof got);
		if (p->ndim == 2)
			return err_set(e, ERR_FORMAT, "%s: '%s' has shape %s, the model needs [%d, %d]", path, p->name, got,
				       p->shape[0], p->shape[1]);
		return err_set(e, ERR_FORMAT, "%s: '%s' has shape %s, the model needs [%d]", path, p->name, got, p->shape[0]);
	}
	*out = a;
	return 0;
}

int cmd_import(Session *s, int argc, const Word *argv, Err *e)
{
	const char *path = argv[1].text;
	ParamBlock pb;
	session_params(s, &pb);
	const ParamBlock *m = &pb;
	Npz z;	/* opened: the headers are compared with the model before any data is read */
	int rc = npz_open(&z, path, e);
	if (rc)
		return rc;
	/* Every array named like a parameter must be one of this model's; other
	 * arrays (x, y, grad.* of a probe file) are not weights and are skipped. */
	static const char *const prefixes[] = { "rnn.", "head.", "embed.", "encoder.", "decoder.", "attn.",
						"attn_score.", "src_embed.", "tgt_embed." };
	int skipped = 0;
	for (int i = 0; i < z.n; i++) {
		const char *nm = z.arrays[i].name;
		int param_like = 0;
		for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
			param_like |= strncmp(nm, prefixes[k], strlen(prefixes[k])) == 0;
		if (!param_like) {
			skipped++;
			continue;
		}
		if (!tensor_find(m->tensors, m->ntensors, nm)) {
			rc = err_set(e, ERR_FORMAT, "%s: '%s' is not a tensor of this model (%s; model show lists them)", path,
				     nm, s->lr->line);
			goto out;
		}
	}
	float *tmp = malloc(m->nparam * sizeof *tmp);
	if (!tmp) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < m->ntensors && !rc; i++) {
		const NpyArray *a = NULL;
		if (!(rc = check_tensor(&z, path, &m->tensors[i], &a, e)) && !(rc = npz_load(&z, a, e)))
			rc = npy_to_f32(a, tmp + m->tensors[i].offset, e);
	}
	for (size_t i = 0; i < m->nparam && !rc; i++)
		if (!isfinite(tmp[i]))
			rc = err_set(e, ERR_FORMAT, "%s: holds a non-finite weight (nan or inf)", path);
	if (!rc) {
		memcpy(m->params, tmp, m->nparam * sizeof *tmp);
		optim_reset(m->opt);
		session_weights_changed(s);
		session_printf(s, "imported %d tensors from %s (optimizer state reset)%s", m->ntensors, path,
			       skipped ? "; arrays that are not parameters were skipped" : "");
	}
	free(tmp);
out:
	npz_free(&z);
	return rc;
}

/* The arrays a probe reads (a model of cells: x y h0 c0; seq2seq: src
 * tgt_in tgt_out), each at most PROBE_MAX_BYTES: the file is opened, the
 * sizes its headers claim are compared first, and only those arrays read
 * (a 270 KB file claiming 256 MiB of zeros cost 545 MB before). */
#define PROBE_MAX_BYTES ((size_t)64 << 20)
static const char *const probe_arrays[] = { "x", "y", "h0", "c0", "src", "tgt_in", "tgt_out" };

static int probe_open(Npz *z, const char *in, Err *e)
{
	int rc = npz_open(z, in, e);
	for (int i = 0; i < z->n && !rc; i++) {
		const NpyArray *a = &z->arrays[i];
		int wanted = 0;
		for (size_t k = 0; k < sizeof probe_arrays / sizeof *probe_arrays; k++)
			wanted |= !strcmp(a->name, probe_arrays[k]);
		if (!wanted)
			continue;
		const double bytes = (double)a->count * (double)npy_dtype_size(a->dtype);
		if (bytes > (double)PROBE_MAX_BYTES)
			rc = err_set(e, ERR_FORMAT, "%s: '%s' claims %.0f MiB; a probe's arrays are at most %zu MiB each", in,
				     a->name, bytes / (1 << 20), PROBE_MAX_BYTES >> 20);
		else
			rc = npz_load(z, a, e);
	}
	if (rc)
		npz_free(z);
	return rc;
}

int cmd_probe(Session *s, int argc, const Word *argv, Err *e)
{
	const char *in = argv[1].text, *out = argv[2].text;
	Npz z;
	int force, rc = arg_force(argc, argv, 3, "probe IN.npz OUT.npz [force]", &force, e);
	if (rc || (rc = npz_may_write(out, force, e)) || (rc = probe_open(&z, in, e)))
		return rc;
	const ProbeLoss pl = { s->set.loss_explicit, s->tcfg.loss, s->data ? data_info(s->data) : NULL };
	const Out o = session_out(s);
	rc = s->lr->ops->probe(s->lr, &z, in, &pl, out, &o, e);
	npz_free(&z);
	return rc;
}

void tensor_table(Session *s, const ParamInfo *tensors, int n)
{
	session_printf(s, "%s", s->lr->line);
	session_printf(s, "  %-22s %-14s %10s", "tensor", "shape", "parameters");
	for (int i = 0; i < n; i++) {
		const ParamInfo *p = &tensors[i];
		char shape[40];
		if (p->ndim == 2)
			snprintf(shape, sizeof shape, "[%d, %d]", p->shape[0], p->shape[1]);
		else
			snprintf(shape, sizeof shape, "[%d]", p->shape[0]);
		session_printf(s, "  %-22s %-14s %10zu", p->name, shape, p->size);
	}
}

void gradcheck_report(Session *s, const ParamInfo *tensors, int n, const GradcheckStat *st)
{
	session_printf(s, "  %-22s %8s %12s %12s", "tensor", "checked", "max abs err", "max rel err");
	int bad = 0;
	for (int i = 0; i < n; i++) {
		session_printf(s, "  %-22s %8zu %12.2e %12.2e", tensors[i].name, st[i].checked, st[i].max_abs, st[i].max_rel);
		bad += st[i].max_excess > 1e-4;
	}
	if (bad)
		session_printf(s, "  %d tensor(s) beyond 1e-4 + %g x |gradient|: look closer", bad, GRADCHECK_RTOL);
	else
		session_printf(s, "  all within 1e-4 + %g x |gradient|: backprop agrees with finite differences", GRADCHECK_RTOL);
}

/* Ctrl-C, Esc, SIGTERM: between two entries of the check. */
static int gradcheck_stop(void *ctx)
{
	Session *s = ctx;
	return s->host.interrupted && s->host.interrupted(s->host.ctx);
}

int cmd_gradcheck(Session *s, int argc, const Word *argv, Err *e)
{
	int per = 20, rc;
	if (argc > 1 && (rc = arg_int("N", argv[1].text, 1, 1 << 30, &per, e)))
		return rc;
	Err fit;
	if (session_prepare(s, &fit))	/* the same checks as train */
		return err_set(e, ERR_STATE, "%s", fit.msg);
	const ParamBlock *pb = &s->lr->pb;
	long nt = data_info(s->data)->n_train;
	int B = s->set.batch < 4 ? s->set.batch : 4;
	if (B > nt)
		B = (int)nt;
	DataBatch db;
	if ((rc = data_batch_init(&db, s->data, B, e)))
		return rc;
	long idx[4] = { 0, 1, 2, 3 };
	data_fill(s->data, SPLIT_TRAIN, idx, B, &db);
	GradcheckStat *st = calloc((size_t)pb->ntensors, sizeof *st);
	if (!st) {
		data_batch_done(&db);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	GradcheckOpts go = { .eps = 1e-3, .per_tensor = (size_t)per, .stop = gradcheck_stop, .stop_ctx = s };
	const Out o = session_out(s);
	/* it runs inside the command: the workbench reads no keys meanwhile, so
	 * it looks for Esc when asked (as during a sweep) */
	const int async = s->host.async_train;
	s->host.async_train = 0;
	rc = s->lr->ops->gradcheck(s->lr, s->data, &db, B, session_loss(s), &go, st, &o, e);
	s->host.async_train = async;
	if (!rc)
		gradcheck_report(s, pb->tensors, pb->ntensors, st);
	free(st);
	data_batch_done(&db);
	return rc;
}
