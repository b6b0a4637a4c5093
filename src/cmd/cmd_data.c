/* cmd_data.c — data: select a dataset (data NAME [FILE] key=value...),
 * list them, describe the selected one, show examples. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"

static void emit_line(void *ctx, const char *line)
{
	session_printf(ctx, "%s", line);
}

static int data_select(Session *s, int argc, const Word *argv, Err *e)
{
	const char *name = argv[1].text;
	const DataSpec *spec = data_spec_find(name);
	if (!spec) {
		char buf[400];
		size_t n = 0;
		for (int i = 0; i < data_spec_count() && n < sizeof buf; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "", data_spec_at(i)->name);
		return err_set(e, ERR_INVAL, "unknown dataset '%s' (choices: %s, or list, info, show)", name, buf);
	}
	int first = 2;
	const char *file = NULL;
	if (spec->needs_file) {
		if (argc < 3 || argv[2].key)
			return err_set(e, ERR_INVAL, "%s needs a file: data %s FILE [key=value...]", name, name);
		file = argv[2].text;
		first = 3;
	}
	const char *keys[LEX_MAX_WORDS], *vals[LEX_MAX_WORDS];
	int nkv = 0, rc;
	long own = -1;	/* seed=N: the dataset's own seed */
	for (int i = first; i < argc; i++) {
		if (!argv[i].key)
			return err_set(e, ERR_INVAL, "expected key=value, got '%s' (help data lists each dataset's keys)",
				       argv[i].text);
		if (!strcmp(argv[i].key, "seed")) {
			if ((rc = arg_long("seed", argv[i].value, 0, 0x7fffffffffffffffL, &own, e)))
				return rc;
			continue;
		}
		keys[nkv] = argv[i].key;
		vals[nkv++] = argv[i].value;
	}
	/* The same lines give the same data: the data's seeds come from a
	 * generator of their own, seeded with seed=N or else the session's seed
	 * (set seed=), whatever ran before; the session's generator moves on
	 * by the same two draws as it always has. */
	Rng r = s->rng, own_rng;
	rng_next(&r);
	rng_next(&r);
	rng_seed(&own_rng, own >= 0 ? (uint64_t)own + s->host.seed_shift : s->set.seed);
	uint64_t seed = rng_next(&own_rng), sseed = rng_next(&own_rng);
	Dataset *d;
	rc = data_open(&d, name, file, nkv, keys, vals, seed, e);
	if (rc)
		return rc;
	Sampler sm;
	if ((rc = sampler_init(&sm, d, sseed, e))) {
		data_free(d);
		return rc;
	}
	session_train_cancel(s);
	sampler_done(&s->sampler);
	data_batch_done(&s->train_db);
	data_batch_done(&s->val_db);
	data_free(s->data);
	s->data = d;
	s->data_seed = seed;
	s->data_from = own >= 0 ? (uint64_t)own + s->host.seed_shift : s->set.seed;
	s->data_from_known = 1;
	s->sampler = sm;
	s->rng = r;
	session_val_stale(s);
	s->hold_resume = 0;	/* another sampler */
	const DataInfo *di = data_info(d);
	session_printf(s, "data %s: %s, %ld train / %ld validation examples of %d steps; in=%d%s out=%d, loss %s",
		       data_args(d), data_kind_names[di->kind], di->n_train, di->n_val, di->T,
		       di->vocab ? di->vocab : di->in, di->vocab ? " (tokens)" : "", di->out, loss_names[di->loss]);
	return 0;
}

int cmd_data(Session *s, int argc, const Word *argv, Err *e)
{
	const char *sub = argv[1].key ? "" : argv[1].text;
	if (!strcmp(sub, "list")) {
		session_printf(s, "  %-12s %-9s %s", "name", "kind", "what it teaches");
		for (int i = 0; i < data_spec_count(); i++) {
			const DataSpec *d = data_spec_at(i);
			session_printf(s, "  %-12s %-9s %s", d->name, data_kind_names[d->kind], d->summary);
		}
		return 0;
	}
	if (!strcmp(sub, "info") || !strcmp(sub, "show")) {
		if (!s->data)
			return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data NAME)");
		if (!strcmp(sub, "info")) {
			data_describe(s->data, emit_line, s);
			return 0;
		}
		int n = 3, rc;
		if (argc > 3)
			return err_set(e, ERR_INVAL, "too many arguments (usage: data show [N])");
		if (argc == 3 && (rc = arg_int("N", argv[2].text, 1, 100, &n, e)))
			return rc;
		long nt = data_info(s->data)->n_train;
		for (int i = 0; i < n && i < nt; i++)
			if ((rc = data_show(s->data, SPLIT_TRAIN, i, emit_line, s, e)))
				return rc;
		return 0;
	}
	return data_select(s, argc, argv, e);
}
