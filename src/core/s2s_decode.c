/* s2s_decode.c — greedy decoding and beam search of a seq2seq model: the
 * decoder runs one step at a time (seq2seq.c's s2s_decode_steps with T = 1
 * views) and reads its own predictions. */
#include "seq2seq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "s2s_priv.h"

/* ---- greedy decoding ---- */

int s2s_greedy(const S2s *m, S2sTrace **trp, const int32_t *src, int S, int B, int maxlen,
	       int32_t *out, int *len, Err *e)
{
	int rc;
	if (maxlen < 1)
		return err_set(e, ERR_INVAL, "the length cap must be at least 1, got %d", maxlen);
	if ((rc = s2s_check_ids(src, S, B, m->cfg.src_vocab, "src", e)) ||
	    (rc = s2s_trace_reserve(trp, m, S, maxlen, B, e)))
		return rc;
	S2sTrace *tr = *trp;
	const int E = m->cfg.embed, V = m->cfg.tgt_vocab;
	s2s_encode(m, tr, src, S, B);
	tr->T = maxlen;
	for (int j = 0; j < B; j++)
		len[j] = 0;	/* 0: still going */
	for (int t = 0; t < maxlen; t++) {
		int32_t *tok = tr->dtok + (size_t)t * B;
		for (int j = 0; j < B; j++)
			tok[j] = t == 0 ? S2S_BOS : out[(size_t)(t - 1) * B + j];
		s2s_embed_rows(tr->xd + (size_t)t * B * E, m->p.tgt_embed, tok, (size_t)B, E);
		s2s_decode_steps(m, tr, t, 1);
		int live = 0;
		for (int j = 0; j < B; j++) {
			size_t r = (size_t)t * B + j;
			if (len[j]) {
				out[r] = S2S_PAD;
				continue;
			}
			out[r] = vec_argmax(tr->logits + r * V, V);
			if (out[r] == S2S_EOS)
				len[j] = t + 1;
			else
				live++;
		}
		if (!live) {
			for (int u = t + 1; u < maxlen; u++)
				for (int j = 0; j < B; j++)
					out[(size_t)u * B + j] = S2S_PAD;
			tr->T = t + 1;
			break;
		}
	}
	for (int j = 0; j < B; j++)
		if (!len[j])
			len[j] = maxlen;
	tr->scored = tr->correct = 0;
	tr->loss = 0;
	return 0;
}

/* ---- beam search ---- */

void s2s_output_free(S2sOutput *o)
{
	free(o->tok);
	free(o->attn);
	free(o->src);
	memset(o, 0, sizeof *o);
}

/* A candidate continuation: hypothesis p extended by token tok. */
typedef struct Cand {
	double score;
	int p;
	int32_t tok;
} Cand;

/* Keep the best cap candidates, sorted by descending score; among equal
 * scores the earlier offered stays first (so width 1 is greedy's argmax). */
static void cand_offer(Cand *c, int *n, int cap, double score, int p, int32_t tok)
{
	if (*n == cap && !(score > c[cap - 1].score))
		return;
	int i = *n < cap ? (*n)++ : cap - 1;
	while (i > 0 && c[i - 1].score < score) {
		c[i] = c[i - 1];
		i--;
	}
	c[i] = (Cand){ score, p, tok };
}

/* Rows of x ([W, H] blocks, row w) gathered by parent: x[i] = x[par[i]]. */
static void gather_rows(float *x, const Cand *par, int n, int H, float *tmp)
{
	for (int i = 0; i < n; i++)
		memcpy(tmp + (size_t)i * H, x + (size_t)par[i].p * H, (size_t)H * sizeof *x);
	memcpy(x, tmp, (size_t)n * H * sizeof *x);
}

int s2s_beam(const S2s *m, const int32_t *src, int S, int W, int maxlen, S2sOutput *out, Err *e)
{
	memset(out, 0, sizeof *out);
	int rc;
	if (W < 1 || W > S2S_MAX_BEAM)
		return err_set(e, ERR_INVAL, "beam must be from 1 to %d, got %d", S2S_MAX_BEAM, W);
	if (maxlen < 1 || S < 1)
		return err_set(e, ERR_INVAL, "the source and the length cap must be at least 1, got %d and %d", S, maxlen);
	if ((rc = s2s_check_ids(src, S, 1, m->cfg.src_vocab, "src", e)))
		return rc;
	const S2sConfig *c = &m->cfg;
	const int V = c->tgt_vocab, H = c->hidden, E = c->embed, L = c->layers;
	const int attn = c->attn != ATTN_NONE, K = 2 * W;
	const size_t TS = (size_t)maxlen * S;
	/* Everything is allocated here, before the first step. */
	S2sTrace *tr = s2s_trace_new(m, S, maxlen, W, e);
	int32_t *srcw = malloc((size_t)S * W * sizeof *srcw);
	int32_t *hist_mem = malloc(2 * (size_t)W * maxlen * sizeof *hist_mem);
	int32_t *hist = hist_mem, *nhist = hist_mem ? hist_mem + (size_t)W * maxlen : NULL;
	int32_t *best_tok = malloc((size_t)maxlen * sizeof *best_tok);
	float *ahist_mem = attn ? malloc(2 * (size_t)W * TS * sizeof *ahist_mem) : NULL;
	float *ahist = ahist_mem, *nahist = ahist_mem ? ahist_mem + (size_t)W * TS : NULL;
	float *best_attn = attn ? malloc(TS * sizeof *best_attn) : NULL;
	float *tmp = malloc((size_t)W * H * sizeof *tmp);
	double *score = malloc((size_t)W * sizeof *score);
	Cand *cand = malloc((size_t)K * sizeof *cand), *live = malloc((size_t)W * sizeof *live);
	if (!tr || !srcw || !hist_mem || !best_tok || (attn && (!ahist_mem || !best_attn)) || !tmp || !score ||
	    !cand || !live) {
		rc = tr ? err_set(e, ERR_NOMEM, "out of memory for the beam search") : ERR_NOMEM;
		goto done;
	}
	for (int s = 0; s < S; s++)
		for (int w = 0; w < W; w++)
			srcw[(size_t)s * W + w] = src[s];
	s2s_encode(m, tr, srcw, S, W);
	tr->T = maxlen;
	int nlive = 1, best_n = 0, t;
	double best = -INFINITY;
	score[0] = 0;
	for (t = 0; t < maxlen; t++) {
		int32_t *tok = tr->dtok + (size_t)t * W;
		for (int w = 0; w < W; w++)
			tok[w] = t == 0 ? S2S_BOS : w < nlive ? hist[(size_t)w * maxlen + t - 1] : S2S_PAD;
		s2s_embed_rows(tr->xd + (size_t)t * W * E, m->p.tgt_embed, tok, (size_t)W, E);
		s2s_decode_steps(m, tr, t, 1);
		int nc = 0;
		for (int w = 0; w < nlive; w++) {
			const float *lg = tr->logits + ((size_t)t * W + w) * V;
			double mx = lg[vec_argmax(lg, V)], z = 0;
			for (int v = 0; v < V; v++)
				z += exp((double)lg[v] - mx);
			const double lse = mx + log(z);
			for (int v = 0; v < V; v++)
				cand_offer(cand, &nc, K, score[w] + ((double)lg[v] - lse), w, v);
		}
		/* EOS among the best W: finished; the best W others live on */
		int nl = 0;
		for (int i = 0; i < nc; i++) {
			const Cand *cd = &cand[i];
			if (cd->tok != S2S_EOS) {
				if (nl < W)
					live[nl++] = *cd;
				continue;
			}
			if (i >= W || !(cd->score > best))
				continue;
			best = cd->score;
			best_n = t + 1;
			memcpy(best_tok, hist + (size_t)cd->p * maxlen, (size_t)t * sizeof *best_tok);
			best_tok[t] = S2S_EOS;
			if (attn) {
				memcpy(best_attn, ahist + (size_t)cd->p * TS, (size_t)t * S * sizeof *best_attn);
				memcpy(best_attn + (size_t)t * S, tr->attn + ((size_t)t * W + cd->p) * S,
				       (size_t)S * sizeof *best_attn);
			}
		}
		if (!nl || best >= live[0].score)
			break;
		/* the new beam: histories, scores and decoder states by parent */
		for (int i = 0; i < nl; i++) {
			const Cand *cd = &live[i];
			memcpy(nhist + (size_t)i * maxlen, hist + (size_t)cd->p * maxlen, (size_t)t * sizeof *hist);
			nhist[(size_t)i * maxlen + t] = cd->tok;
			if (attn) {
				memcpy(nahist + (size_t)i * TS, ahist + (size_t)cd->p * TS, (size_t)t * S * sizeof *ahist);
				memcpy(nahist + (size_t)i * TS + (size_t)t * S, tr->attn + ((size_t)t * W + cd->p) * S,
				       (size_t)S * sizeof *ahist);
			}
			score[i] = cd->score;
		}
		int32_t *ti = hist;
		hist = nhist;
		nhist = ti;
		float *ta = ahist;
		ahist = nahist;
		nahist = ta;
		nlive = nl;
		for (int k = 0; k < L; k++) {
			gather_rows(tr->dec[k].h + (size_t)(t + 1) * W * H, live, nl, H, tmp);
			if (tr->dec[k].c)
				gather_rows(tr->dec[k].c + (size_t)(t + 1) * W * H, live, nl, H, tmp);
		}
	}
	if (best_n) {
		out->n = best_n;
		out->ended = 1;
		out->logp = best;
	} else {	/* nothing finished within maxlen: the best live one */
		out->n = maxlen;
		out->logp = score[0];
		memcpy(best_tok, hist, (size_t)maxlen * sizeof *best_tok);
		if (attn)
			memcpy(best_attn, ahist, TS * sizeof *best_attn);
	}
	out->S = S;
	out->src = malloc((size_t)S * sizeof *out->src);
	out->tok = malloc((size_t)out->n * sizeof *out->tok);
	out->attn = attn ? malloc((size_t)out->n * S * sizeof *out->attn) : NULL;
	if (!out->src || !out->tok || (attn && !out->attn)) {
		s2s_output_free(out);
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto done;
	}
	memcpy(out->src, src, (size_t)S * sizeof *out->src);
	memcpy(out->tok, best_tok, (size_t)out->n * sizeof *out->tok);
	if (attn)
		memcpy(out->attn, best_attn, (size_t)out->n * S * sizeof *out->attn);
	rc = 0;
done:
	free(hist_mem);
	free(ahist_mem);
	free(best_tok);
	free(best_attn);
	free(tmp);
	free(score);
	free(cand);
	free(live);
	free(srcw);
	s2s_trace_free(tr);
	return rc;
}
