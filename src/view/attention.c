/* attention.c — the attention pane: the last translation's weights a_ts
 * as a heatmap, output tokens down, source tokens across. */
#include "views.h"

#include <stdlib.h>

#include "heatmap.h"

int attention_draw(const Session *s, Grid *g, int x, int y, int w, int h, int ascii, GridColors colors, Err *e)
{
	const S2sOutput *o = session_translation(s);
	if (!o)
		return err_set(e, ERR_STATE, learner_caps(s->lr) & CAP_TRANSLATE ? "no translation yet (try: translate \"abc\")"
									    : "the attention pane needs a seq2seq model and a translation");
	if (!o->attn)
		return err_set(e, ERR_STATE, "this seq2seq model has no attention (attention=none): nothing to show");
	const char **names = malloc(((size_t)o->n + o->S) * sizeof *names);
	if (!names)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int i = 0; i < o->n; i++) {
		const char *t = s->data ? data_token_text(s->data, 1, o->tok[i]) : NULL;
		names[i] = t ? t : "?";
	}
	for (int i = 0; i < o->S; i++) {
		const char *t = s->data ? data_token_text(s->data, 0, o->src[i]) : NULL;
		names[o->n + i] = t ? t : "?";
	}
	HeatmapSpec sp;
	heatmap_spec_init(&sp);
	sp.title = "attention a_ts: output step t (rows) over source position s (columns)";
	sp.xlabel = "source";
	sp.ylabel = "output";
	sp.vmin = 0;
	sp.vmax = 1;
	sp.row_names = names;
	sp.col_names = names + o->n;
	sp.ascii = ascii;
	sp.colors = colors;
	HeatmapMatrix mat = { o->attn, o->n, o->S, o->S, 1 };
	int rc = heatmap_draw(g, x, y, w, h, &sp, &mat, NULL, e);
	free(names);
	return rc;
}
