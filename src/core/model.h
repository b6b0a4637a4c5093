/* model.h — what a recurrent model is: its configuration and its parameters.
 *
 * Every parameter lives in one contiguous float block (`params`), and every
 * gradient in a parallel block of the same layout (`grads`), so optimizers,
 * clipping, norms and save/load are flat loops.  Named views point into the
 * blocks; `tensors` lists them under PyTorch's state_dict names:
 *
 *   embed.weight        [V, E]      token models only
 *   rnn.weight_ih_l{k}  [G*H, I_k]  I_0 = in (or E), I_k = H for k > 0
 *   rnn.weight_hh_l{k}  [G*H, H]
 *   rnn.bias_ih_l{k}    [G*H]
 *   rnn.bias_hh_l{k}    [G*H]
 *   rnn.ln_weight_l{k}  [G*H]       layer norm only (not a PyTorch module)
 *   rnn.ln_bias_l{k}    [G*H]
 *   head.weight         [O, H]      out > 0 only
 *   head.bias           [O]
 *
 * G is the number of gates: 1 (rnn), 4 (lstm: i, f, g, o), 3 (gru: r, z, n).
 */
#ifndef RNNLAB_MODEL_H
#define RNNLAB_MODEL_H

#include <stddef.h>

#include "err.h"
#include "rng.h"

typedef enum { CELL_RNN, CELL_LSTM, CELL_GRU, CELL_COUNT } CellKind;
typedef enum { ACT_TANH, ACT_RELU, ACT_COUNT } ActKind;
typedef enum {
	INIT_DEFAULT,		/* every weight and bias U(+-1/sqrt(H)), as PyTorch */
	INIT_XAVIER,		/* weights Xavier-uniform per gate block, biases 0 */
	INIT_ORTHOGONAL,	/* W_hh blocks orthogonal, W_ih Xavier, biases 0 */
	INIT_IDENTITY,		/* IRNN: W_hh blocks = I, W_ih default, biases 0 */
	INIT_COUNT
} InitKind;

extern const char *const cell_names[CELL_COUNT];
extern const char *const act_names[ACT_COUNT];
extern const char *const init_names[INIT_COUNT];

/* Limits that keep a typo from asking for terabytes. */
#define MODEL_MAX_HIDDEN  65536
#define MODEL_MAX_LAYERS  16
#define MODEL_MAX_VOCAB   1000000
#define MODEL_MAX_PARAMS  ((size_t)1 << 28)	/* 1 GiB of weights; 4 with gradients and Adam */

typedef struct ModelConfig {
	CellKind cell;
	ActKind act;		/* rnn only */
	int in;			/* input features; 0 for a token model */
	int vocab, embed;	/* token models: vocabulary and embedding size */
	int hidden, layers;
	int out;		/* head size; 0 = no head, output is the top h */
	int layernorm;		/* normalise each gate's pre-activation */
	int residual;		/* y_k = h_k + input_k for k > 0 */
	float dropout;		/* between layers, on layer k's output, k < L-1 */
	InitKind init;
	float radius;		/* > 0: scale each W_hh block to this spectral radius */
	float forget_bias;	/* lstm: initial b_ih of the f gate (b_hh f = 0); NAN = keep */
} ModelConfig;

/* Views of one layer's parameters (or gradients) into the flat block. */
typedef struct LayerView {
	float *w_ih;		/* [G*H, I_k] */
	float *w_hh;		/* [G*H, H] */
	float *b_ih;		/* [G*H] */
	float *b_hh;		/* [G*H] */
	float *ln_w;		/* [G*H] or NULL */
	float *ln_b;		/* [G*H] or NULL */
} LayerView;

typedef struct ParamInfo {
	char name[40];
	int ndim;
	int shape[2];
	size_t offset;		/* into params / grads, in floats */
	size_t size;
} ParamInfo;

/* The views of one block: parameters or gradients. */
typedef struct ModelViews {
	float *embed;		/* [V, E] or NULL */
	LayerView layer[MODEL_MAX_LAYERS];
	float *head_w;		/* [O, H] or NULL */
	float *head_b;		/* [O] or NULL */
} ModelViews;

typedef struct Model {
	ModelConfig cfg;
	int gates;		/* G */
	int in0;		/* layer-0 input width: in, or embed */
	size_t nparam;
	float *params;		/* [nparam] */
	float *grads;		/* [nparam] */
	ModelViews p, g;
	int ntensors;
	ParamInfo tensors[4 + 6 * MODEL_MAX_LAYERS];
} Model;

/* Fill c with the defaults (lstm, tanh, 1 layer, default init). */
void model_config_default(ModelConfig *c);
/* Check sizes and options; the message says what is allowed. */
int model_config_check(const ModelConfig *c, Err *e);
/* Parameters a configuration needs (0 when the config is invalid). */
size_t model_config_nparam(const ModelConfig *c);
int model_gates(CellKind cell);

/* Allocate and initialise with rng. NULL on failure, e says why. */
Model *model_new(const ModelConfig *c, Rng *rng, Err *e);
void model_free(Model *m);
/* Lay m out over memory owned by someone else (a larger model holding this
 * one): params and grads hold model_config_nparam(c) floats each, and the
 * recurrent tensors are named prefix + "weight_ih_l0" ... ("encoder.").
 * c must pass model_config_check.  Nothing is allocated or initialised;
 * never model_free such a model (model_init_params and model_zero_grad
 * touch only its own floats). */
void model_init_views(Model *m, const ModelConfig *c, const char *prefix, float *params, float *grads);
/* Re-initialise the parameters as the config says. */
void model_init_params(Model *m, Rng *rng);
void model_zero_grad(Model *m);
/* The tensor called name among tensors[n] (a model's or any parameter
 * block's), or NULL. */
const ParamInfo *tensor_find(const ParamInfo *tensors, int n, const char *name);

/* Spectral radius of an n x n row-major matrix, estimated as
 * ||A^k||_F^(1/k) with k = 2^12 by repeated squaring in double. */
double mat_spectral_radius(const float *a, int n);

#endif
