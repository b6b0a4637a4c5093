/* data_sampler.c — the training sampler: a seeded shuffle of the train
 * split, epoch after epoch, that can be saved and sought back to. */
#include "data_priv.h"

#include <stdlib.h>
#include <string.h>

static void sampler_shuffle(Sampler *s)
{
	Rng r;
	/* splitmix inside rng_seed decorrelates neighbouring (seed, epoch). */
	rng_seed(&r, s->seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(s->epoch + 1)));
	for (long i = 0; i < s->n; i++)
		s->order[i] = i;
	for (long i = s->n - 1; i > 0; i--) {
		long j = (long)rng_below(&r, (uint32_t)(i + 1));
		long t = s->order[i];
		s->order[i] = s->order[j];
		s->order[j] = t;
	}
}

int sampler_init(Sampler *s, const Dataset *d, uint64_t seed, Err *e)
{
	memset(s, 0, sizeof *s);
	if (d->info.n_train < 1 || d->info.n_train > (long)UINT32_MAX)
		return err_set(e, ERR_INVAL, "%s: %ld train examples cannot be sampled",
			       d->spec->name, d->info.n_train);
	s->order = data_calloc((size_t)d->info.n_train, sizeof *s->order, "the sampler", e);
	if (!s->order)
		return ERR_NOMEM;
	s->seed = seed;
	s->n = d->info.n_train;
	sampler_shuffle(s);
	return 0;
}

void sampler_done(Sampler *s)
{
	free(s->order);
	memset(s, 0, sizeof *s);
}

void sampler_seek(Sampler *s, long epoch, long pos)
{
	/* Out-of-range values (a damaged save) are clamped, never trusted. */
	s->epoch = epoch < 0 ? 0 : epoch;
	s->pos = pos < 0 ? 0 : pos > s->n ? s->n : pos;
	sampler_shuffle(s);
}

void sampler_next(Sampler *s, long *idx, int n)
{
	for (int i = 0; i < n; i++) {
		if (s->pos >= s->n) {
			s->epoch++;
			s->pos = 0;
			sampler_shuffle(s);
		}
		idx[i] = s->order[s->pos++];
	}
}
