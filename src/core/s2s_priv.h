/* s2s_priv.h — what seq2seq.c shares with s2s_decode.c and nothing else
 * includes: the encoder and the step-wise decoder behind s2s_forward. */
#ifndef RNNLAB_S2S_PRIV_H
#define RNNLAB_S2S_PRIV_H

#include "seq2seq.h"

/* Every id of ids [T, B] in [0, V); what names the array in the message. */
int s2s_check_ids(const int32_t *ids, int T, int B, int V, const char *what, Err *e);
/* out[r] = table[ids[r]] for n rows of E floats. */
void s2s_embed_rows(float *out, const float *table, const int32_t *ids, size_t n, int E);
/* Encoder over src [S, B] (tr sized for it); keys for general attention;
 * the decoder's initial state = the encoder's final state, every layer. */
void s2s_encode(const S2s *m, S2sTrace *tr, const int32_t *src, int S, int B);
/* Decoder steps [t0, t0 + n) from the embedded inputs already in tr->xd:
 * every layer, the attention, the head (logits rows t0*B ..). */
void s2s_decode_steps(const S2s *m, S2sTrace *tr, int t0, int n);

#endif
