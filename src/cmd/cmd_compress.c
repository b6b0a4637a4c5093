/* cmd_compress.c — quantize, prune and distill: the model smaller, the loss
 * after.
 *
 *   quantize int8    every weight matrix to 8-bit integers with one scale
 *                    per tensor (symmetric: scale = max|w| / 127, w' =
 *                    round(w / scale) * scale); biases stay float32
 *   prune 50%        the smallest-magnitude half of every weight matrix set
 *                    to zero (biases kept); training on lets them grow
 *                    back (prune again after training)
 *   distill hidden=N a smaller student trained on the current model's
 *                    outputs (session/distill.c); it becomes the model
 *
 * quantize and prune report the validation loss before and after and the
 * size the weights would take stored that way.  They change the weights in
 * place (a checkpoint is taken first: `rewind` undoes them).  distill
 * reports the teacher's and the student's sizes and losses when it ends.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd.h"

/* Weight matrices (2-d tensors, not embeddings' rows count too). */
static int is_matrix(const ParamInfo *p)
{
	return p->ndim == 2;
}

static int before_after(Session *s, double *loss, Err *e)
{
	double acc;
	return session_evaluate(s, 2048, loss, &acc, NULL, e);
}

int cmd_quantize(Session *s, int argc, const Word *argv, Err *e)
{
	if (strcmp(argv[1].text, "int8"))
		return err_set(e, ERR_INVAL, "unknown format '%s' (choices: int8)", argv[1].text);
	ParamBlock pb;
	if (!session_params(s, &pb))
		return err_set(e, ERR_STATE, "no model yet");
	double l0 = NAN, l1 = NAN;
	int rc, have_data = s->data != NULL;
	if (have_data && (rc = before_after(s, &l0, e)))
		return rc;
	if ((rc = session_checkpoint(s, e)))
		return rc;
	size_t q = 0, f = 0;
	float err = 0;
	for (int i = 0; i < pb.ntensors; i++) {
		const ParamInfo *p = &pb.tensors[i];
		float *w = pb.params + p->offset;
		if (!is_matrix(p)) {
			f += p->size;
			continue;
		}
		float mx = 0;
		for (size_t j = 0; j < p->size; j++)
			mx = fmaxf(mx, fabsf(w[j]));
		float scale = mx > 0 ? mx / 127.0f : 1.0f;
		/* The error in float: |v - w| <= scale/2 and v, w are within a
		 * factor of two of each other or v = 0, so the difference is exact.
		 * (A double fmax reduction here crashes GCC 12's aarch64
		 * vectoriser: internal compiler error in vect_transform_reduction.) */
		for (size_t j = 0; j < p->size; j++) {
			float v = rintf(w[j] / scale) * scale;
			err = fmaxf(err, fabsf(v - w[j]));
			w[j] = v;
		}
		q += p->size;
		f += 1;	/* the scale */
	}
	session_weights_changed(s);
	size_t before = pb.nparam * 4, after = q + f * 4;
	if (have_data && (rc = before_after(s, &l1, e)))
		return rc;
	session_printf(s, "quantize int8: %zu weights to 8 bits (max rounding error %.3g); size %.1f KiB -> %.1f KiB (%.1fx)",
		       q, (double)err, before / 1024.0, after / 1024.0, (double)before / (double)after);
	if (have_data)
		session_printf(s, "  validation loss %.5g -> %.5g (%+.2f%%)", l0, l1, 100.0 * (l1 - l0) / l0);
	return 0;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

int cmd_prune(Session *s, int argc, const Word *argv, Err *e)
{
	char num[32];
	snprintf(num, sizeof num, "%s", argv[1].text);
	size_t n = strlen(num);
	if (n && num[n - 1] == '%')
		num[n - 1] = '\0';
	float pct;
	int rc;
	if ((rc = arg_float("the fraction to prune (percent)", num, 0, 99.9, &pct, e)))
		return rc;
	ParamBlock pb;
	if (!session_params(s, &pb))
		return err_set(e, ERR_STATE, "no model yet");
	double l0 = NAN, l1 = NAN;
	int have_data = s->data != NULL;
	if (have_data && (rc = before_after(s, &l0, e)))
		return rc;
	size_t maxn = 0;
	for (int i = 0; i < pb.ntensors; i++)
		if (is_matrix(&pb.tensors[i]) && pb.tensors[i].size > maxn)
			maxn = pb.tensors[i].size;
	float *mag = malloc((maxn ? maxn : 1) * sizeof *mag);
	if (!mag)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = session_checkpoint(s, e))) {
		free(mag);
		return rc;
	}
	size_t zeroed = 0, total = 0;
	for (int i = 0; i < pb.ntensors; i++) {
		const ParamInfo *p = &pb.tensors[i];
		if (!is_matrix(p))
			continue;
		float *w = pb.params + p->offset;
		for (size_t j = 0; j < p->size; j++)
			mag[j] = fabsf(w[j]);
		qsort(mag, p->size, sizeof *mag, cmp_float);
		size_t k = (size_t)floor(pct / 100.0 * (double)p->size);
		float thr = k ? mag[k - 1] : -1.0f;
		size_t z = 0;
		for (size_t j = 0; j < p->size && z < k; j++)
			if (fabsf(w[j]) <= thr) {
				w[j] = 0.0f;
				z++;
			}
		zeroed += z;
		total += p->size;
	}
	free(mag);
	session_weights_changed(s);
	if (have_data && (rc = before_after(s, &l1, e)))
		return rc;
	/* stored sparse: a float and a 4-byte index per kept weight */
	size_t dense = pb.nparam * 4, sparse = (pb.nparam - zeroed) * 8;
	session_printf(s, "prune %.4g%%: %zu of %zu weights set to zero; dense %.1f KiB, sparse (value+index) %.1f KiB", pct,
		       zeroed, total, dense / 1024.0, sparse / 1024.0);
	if (have_data)
		session_printf(s, "  validation loss %.5g -> %.5g (%+.2f%%)", l0, l1, 100.0 * (l1 - l0) / l0);
	return 0;
}

int cmd_distill(Session *s, int argc, const Word *argv, Err *e)
{
	DistillArgs a = { .temp = NAN, .alpha = NAN, .baseline = 1 };
	int rc = 0, has_hidden = 0;
	static const char *const keys = "keys: hidden, cell, layers, embed, T, alpha, steps, baseline";
	for (int i = 1; i < argc && !rc; i++) {
		const char *k = argv[i].key, *v = argv[i].value;
		if (!k)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (%s)", argv[i].text, keys);
		if (!strcmp(k, "hidden"))
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &a.hidden, e), has_hidden = 1;
		else if (!strcmp(k, "cell"))
			a.cell = v;	/* checked with the teacher's: rnn, lstm, gru */
		else if (!strcmp(k, "layers"))
			rc = arg_int(k, v, 1, MODEL_MAX_LAYERS, &a.layers, e);
		else if (!strcmp(k, "embed"))
			rc = arg_int(k, v, 1, MODEL_MAX_HIDDEN, &a.embed, e);
		else if (!strcmp(k, "T"))
			rc = arg_float("T (the temperature)", v, 0.01, 100, &a.temp, e);
		else if (!strcmp(k, "alpha"))
			rc = arg_float(k, v, 0, 1, &a.alpha, e);
		else if (!strcmp(k, "steps"))
			rc = arg_long(k, v, 1, 100000000, &a.steps, e);
		else if (!strcmp(k, "baseline"))
			rc = arg_bool(k, v, &a.baseline, e);
		else
			return err_set(e, ERR_INVAL, "unknown key '%s' (%s)", k, keys);
	}
	if (rc)
		return rc;
	if (!has_hidden)
		return err_set(e, ERR_INVAL, "hidden=N is required: the student's size (e.g. distill hidden=64)");
	if ((rc = session_distill(s, &a, e)))
		return rc;
	if (s->host.async_train)
		return 0;
	while ((rc = session_train_slice(s, 0)) > 0)
		;
	return rc < 0 ? err_set(e, rc, "%s", s->job_err.msg) : 0;
}
