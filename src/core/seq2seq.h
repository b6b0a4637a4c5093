/* seq2seq.h — an encoder-decoder on the core cells, with Luong attention.
 *
 * The encoder (layers of cell.c's rnn/lstm/gru) reads the embedded source
 * src [S, B]; the decoder (the same cell and number of layers) starts from
 * the encoder's final state of every layer (h, and c for lstm) and reads
 * the embedded tgt_in [T, B] (teacher forcing).  With hbar_s the encoder's
 * top-layer states and h_t the decoder's, for one sequence of the batch:
 *
 *   score_ts  = h_t . hbar_s                (dot)
 *             = h_t . (W_a hbar_s)          (general, W_a = attn_score.weight)
 *             = -inf where src_s is PAD
 *   a_t       = softmax_s(score_t)          (all-PAD source: a_t = 0)
 *   c_t       = sum_s a_ts hbar_s
 *   htilde_t  = tanh(W_c [c_t ; h_t])       (W_c = attn.weight [H, 2H], no bias)
 *   logits_t  = head(htilde_t)              (without attention: head(h_t))
 *   loss      = ce(logits, tgt_out), positions whose target is PAD unscored
 *
 * Luong et al. 2015, "global" attention without input feeding.  Both RNNs
 * run over PAD tokens like any other (no packing); the PAD embedding rows
 * are ordinary trainable rows.
 *
 * All parameters live in one block (and the gradients in a parallel one)
 * under PyTorch's state_dict names:
 *   src_embed.weight [Vs, E]     tgt_embed.weight [Vt, E]
 *   encoder.weight_ih_l{k} [G*H, I_k], encoder.weight_hh_l{k} [G*H, H],
 *   encoder.bias_ih_l{k} [G*H], encoder.bias_hh_l{k} [G*H]   (I_0 = E)
 *   decoder.* the same
 *   attn.weight [H, 2H]          (attention != none)
 *   attn_score.weight [H, H]     (general only)
 *   head.weight [Vt, H]          head.bias [Vt]
 * The encoder and decoder are Models laid over that block
 * (model_init_views), so cell_forward/cell_backward run them unchanged.
 *
 * GEMMs: embeddings are row copies; each layer is cell.c's (one input GEMM
 * for all steps, one recurrent GEMM per step); W_a hbar is one GEMM over
 * all S*B rows; the scores and the context are one GEMM per sequence of
 * the batch over all T steps at once ([T, H] x [H, S] and [T, S] x [S, H],
 * strided views of the time-major buffers, no copies); W_c and the head
 * are one GEMM each over all T*B rows.  Backward mirrors that.  When the
 * decoder feeds its own predictions (teacher forcing < 1, decoding) it
 * runs one step at a time through the same code with T = 1 views.  No
 * function here allocates inside a timestep loop: an S2sTrace is sized up
 * front for the largest (S, T, B) it will see.
 */
#ifndef RNNLAB_SEQ2SEQ_H
#define RNNLAB_SEQ2SEQ_H

#include <stdint.h>

#include "gradcheck.h"
#include "model.h"
#include "net.h"
#include "train.h"

typedef enum { ATTN_NONE, ATTN_DOT, ATTN_GENERAL, ATTN_COUNT } AttnKind;
extern const char *const attn_names[ATTN_COUNT];	/* none, dot, general */

/* Token ids fixed by DESIGN.md. */
enum { S2S_PAD = 0, S2S_BOS = 1, S2S_EOS = 2, S2S_UNK = 3 };

#define S2S_MAX_TENSORS (8 + 8 * MODEL_MAX_LAYERS)
#define S2S_MAX_BEAM 64

typedef struct S2sConfig {
	CellKind cell;
	int hidden, embed, layers;
	int src_vocab, tgt_vocab;	/* each >= 4: ids 0-3 are PAD BOS EOS UNK */
	AttnKind attn;
} S2sConfig;

/* Views of the seq2seq-only tensors (parameters or gradients). */
typedef struct S2sViews {
	float *src_embed;	/* [Vs, E] */
	float *tgt_embed;	/* [Vt, E] */
	float *attn_w;		/* [H, 2H] or NULL */
	float *attn_score;	/* [H, H] or NULL (general only) */
	float *head_w;		/* [Vt, H] */
	float *head_b;		/* [Vt] */
} S2sViews;

typedef struct S2s {
	S2sConfig cfg;
	size_t nparam;
	float *params;		/* [nparam] */
	float *grads;		/* [nparam] */
	Model enc, dec;		/* views into params/grads: encoder.*, decoder.* */
	S2sViews p, g;
	int ntensors;
	ParamInfo tensors[S2S_MAX_TENSORS];	/* offsets into params */
} S2s;

/* One batch.  Pointers are borrowed; ids time-major. */
typedef struct S2sBatch {
	int S, T, B;
	const int32_t *src;	/* [S, B] */
	const int32_t *tgt_in;	/* [T, B] */
	const int32_t *tgt_out;	/* [T, B], or NULL: no loss */
} S2sBatch;

/* What a forward pass recorded (and backward's scratch), in one block. */
typedef struct S2sTrace {
	int Scap, Tcap, Bcap;	/* capacity */
	int S, T, B;		/* the last forward pass */
	float *mem;
	size_t memsize;		/* floats */
	int32_t *src;		/* [S*B] the source of the last pass */
	int32_t *dtok;		/* [T*B] the tokens the decoder read at each step */
	float *xe;		/* [S*B, E] embedded source */
	float *xd;		/* [T*B, E] embedded decoder input */
	LayerTrace enc[MODEL_MAX_LAYERS];	/* over S steps */
	LayerTrace dec[MODEL_MAX_LAYERS];	/* over T steps; h[0] = encoder's h_S */
	const float *hbar;	/* [S*B, H] encoder top-layer states (into enc[L-1].h) */
	const float *htop;	/* [T*B, H] decoder top-layer states (into dec[L-1].h) */
	float *keys;		/* [S*B, H] general: W_a hbar_s; dot: NULL (hbar) */
	float *attn;		/* [T*B, S] a_ts, row (t, b); NULL without attention */
	float *ctx;		/* [T*B, H] c_t */
	float *ht;		/* [T*B, H] htilde_t */
	float *logits;		/* [T*B, Vt] */
	float *dlogits;		/* [T*B, Vt] d(loss)/d(logits) */
	float *yf;		/* [T*B] tgt_out as floats (the loss's class ids) */
	/* backward scratch */
	float *dtop;		/* [T*B, H] into htop from the head/attention */
	float *dhbar;		/* [S*B, H] into hbar from the attention */
	float *dht;		/* [T*B, H] */
	float *dctx;		/* [T*B, H] */
	float *dattn;		/* [T*B, S] */
	float *dkeys;		/* [S*B, H] general */
	float *dbuf[2];		/* [R*B, max(E, H)], R = max(S, T) */
	float *da, *dah;	/* [R*B, G*H] (dah: gru) */
	float *carry_h, *carry_c;	/* [B, H] */
	float *dh0, *dc0;	/* [L, B, H] dL/d(decoder initial state) */
	float *tmp;		/* [B, G*H] */
	double loss;		/* mean ce over scored positions */
	long scored;		/* positions whose target is not PAD */
	long correct;		/* of them, argmax(logits) == target */
} S2sTrace;

void s2s_config_default(S2sConfig *c);
int s2s_config_check(const S2sConfig *c, Err *e);
size_t s2s_config_nparam(const S2sConfig *c);

/* Allocate and initialise as PyTorch's modules do: embeddings N(0, 1),
 * every rnn weight and bias U(+-1/sqrt(H)), attn.weight U(+-1/sqrt(2H)),
 * attn_score.weight and head U(+-1/sqrt(H)).  NULL on failure, e says why. */
S2s *s2s_new(const S2sConfig *c, Rng *rng, Err *e);
void s2s_free(S2s *m);
void s2s_init_params(S2s *m, Rng *rng);
void s2s_zero_grad(S2s *m);

S2sTrace *s2s_trace_new(const S2s *m, int S, int T, int B, Err *e);
void s2s_trace_free(S2sTrace *tr);
/* Grow *tr for (S, T, B) if needed. */
int s2s_trace_reserve(S2sTrace **tr, const S2s *m, int S, int T, int B, Err *e);

/* Sizes at least 1, ids inside the vocabularies. */
int s2s_check_batch(const S2s *m, const S2sBatch *b, Err *e);

/* Forward pass; the loss (and token accuracy) when b->tgt_out.  teacher:
 * the probability of reading tgt_in at each step t > 0 (per step and
 * sequence, drawn from rng); otherwise the decoder reads its own greedy
 * prediction of the step before.  teacher >= 1 (or rng NULL) is full
 * teacher forcing, run over all steps at once. */
int s2s_forward(const S2s *m, S2sTrace *tr, const S2sBatch *b, float teacher, Rng *rng, Err *e);
/* Backward pass of the last forward (with a loss); accumulates into
 * m->grads, leaves dL/dh_t of every decoder and encoder layer in
 * tr->dec[k].dh and tr->enc[k].dh.  No gradient flows through the argmax
 * of a fed-back prediction; its embedding row gets the gradient. */
void s2s_backward(S2s *m, S2sTrace *tr);

/* Greedy decoding of B sources src [S, B]: out [maxlen, B] gets the
 * tokens (EOS where one was produced, PAD after it), len[b] the count
 * produced including EOS.  Stops when every sequence produced EOS or at
 * maxlen.  tr (reserved here for (S, maxlen, B)) keeps the attention
 * weights of every step in tr->attn. */
int s2s_greedy(const S2s *m, S2sTrace **tr, const int32_t *src, int S, int B, int maxlen,
	       int32_t *out, int *len, Err *e);

/* One decoded sequence (translate). */
typedef struct S2sOutput {
	int n;			/* tokens produced, EOS included when ended */
	int ended;		/* 1: stopped at EOS, 0: at the length cap */
	int S;			/* source length */
	int32_t *src;		/* [S] the source */
	double logp;		/* sum of log-probabilities of the n tokens */
	int32_t *tok;		/* [n] */
	float *attn;		/* [n, S] attention of each output step, or NULL */
} S2sOutput;

/* Beam search over one source src[S] with width beam (1 = greedy):
 * hypotheses are scored by the sum of log-probabilities; one that emits
 * EOS is finished; the search stops when no live hypothesis can beat the
 * best finished one (scores only fall) or at maxlen steps, and returns
 * the best finished one (else the best live one).  out is allocated here;
 * s2s_output_free releases it. */
int s2s_beam(const S2s *m, const int32_t *src, int S, int beam, int maxlen, S2sOutput *out, Err *e);
void s2s_output_free(S2sOutput *o);

/* ---- training ---- */

typedef struct S2sTrainer {
	S2s *m;			/* borrowed */
	TrainConfig cfg;	/* loss is always ce with PAD ignored; tbptt unused */
	Optim opt;
	S2sTrace *tr;		/* the last training step's forward and backward */
	S2sTrace *etr;		/* evaluation and decoding */
	Rng rng;		/* teacher-forcing draws */
	long step;		/* updates applied so far */
	ApplyHold hold;		/* asked before every update (fn NULL: never held) */
	float *tw;		/* [nparam] the weights tr's pass ran with (as Trainer.tw) */
	long trace_step;	/* the update tr's pass was for (as Trainer.trace_step) */
	/* Called after every training step's backward, before its update (the
	 * gradients as backprop left them): the learner's probes.  Nonzero
	 * fails the step with nothing applied. */
	int (*on_trace)(void *ctx, Err *e);
	void *on_trace_ctx;
} S2sTrainer;

int  s2s_trainer_init(S2sTrainer *t, S2s *m, const TrainConfig *c, uint64_t seed, Err *e);
void s2s_trainer_done(S2sTrainer *t);
/* As trainer_configure: the optimizer state survives unless its kind changes. */
int  s2s_trainer_configure(S2sTrainer *t, const TrainConfig *c, Err *e);

/* A forward and backward pass was just recorded in t->tr outside a step:
 * its weights are the current ones. */
void s2s_trainer_note_trace(S2sTrainer *t);

/* One step: forward (teacher forcing per c->teacher_forcing), backward,
 * then train_apply (guard, clip, optimizer).  *tok_acc (may be NULL) gets
 * the step's teacher-forced token accuracy. */
int s2s_train_step(S2sTrainer *t, const S2sBatch *b, StepStats *st, double *tok_acc, Err *e);

/* Sums over evaluated batches. */
typedef struct S2sEval {
	double loss_sum;	/* sum of per-position ce over scored positions */
	long scored, correct;	/* token accuracy: teacher-forced argmax == tgt_out */
	long seqs, seq_correct;	/* greedy decoding reproduces tgt_out up to its EOS */
} S2sEval;

/* Add batch b (with tgt_out) to r: a teacher-forced pass for the loss and
 * token accuracy, and with greedy != 0 greedy decoding (up to b->T steps)
 * for whole-sequence accuracy.  Weights unchanged. */
int s2s_eval_batch(S2sTrainer *t, const S2sBatch *b, int greedy, S2sEval *r, Err *e);

/* Finite differences against s2s_backward on batch b (see gradcheck.h);
 * m->grads is left holding the analytic gradient.  stats: [m->ntensors]. */
int s2s_gradcheck(S2s *m, S2sTrace *tr, const S2sBatch *b, const GradcheckOpts *o,
		  GradcheckStat *stats, Err *e);

#endif
