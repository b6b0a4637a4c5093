/* cmd.c — the command table, dispatch, help and completion. */
#include "cmd.h"
#include "out.h"
#include "lessons.h"
#include "settings.h"
#include "views.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const model_keys[] = {
	"hidden=", "in=", "vocab=", "embed=", "layers=", "out=", "act=", "init=", "radius=",
	"forget_bias=", "layernorm=", "residual=", "dropout=", "cell=", "src_vocab=", "tgt_vocab=", "attention=", NULL
};
static const char *const cell_words[] = { "rnn", "lstm", "gru", NULL };
static const char *const attention_words[] = { "none", "dot", "general", NULL };
static const char *const model_words[] = { "rnn", "lstm", "gru", "seq2seq", "show", NULL };
static const char *const data_words[] = { "list", "info", "show", NULL };
static const char *const show_words[] = { "config", "model", "data", "memory", "engine", "colour", NULL };
static const char *const plot_words[] = { "loss", "grad", "lr", "flow", "sat", "gates", "h", "compare", "eigen",
					    "jacobian", "states", "landscape", "--svg", "layer=", "gate=", "sample=", "samples=",
					    "part=", NULL };
static const char *const break_words[] = { "grad", "loss", "val", "gate", "sat", "flow", "list", "clear", NULL };
static const char *const step_words[] = { "t=", "layer=", "sample=", "unit=", "part=", NULL };
static const char *const journal_words[] = { "save", "show", NULL };
static const char *const history_words[] = { "save", NULL };
static const char *const gates_words[] = { "layer=", "sample=", "unit=", "unit=max", "part=", NULL };
static const char *const generate_words[] = { "temp=", "prime=", NULL };

static const Command commands[] = {
	{ "help", cmd_help, 0, 1, 0, "help [COMMAND]", "list the commands, or explain one",
	  "`help set` also lists every setting, `help data` every dataset.", COMP_COMMAND, NULL },
	{ "model", cmd_model, 1, -1, CMD_CHANGES,
	  "model rnn|lstm|gru hidden=N [key=value...] | model seq2seq cell=C hidden=N [key=value...] | model show",
	  "build a model (replaces the current one), or show it",
	  "keys: hidden=N (required), in=N, vocab=N embed=N (token input), layers=N (1),\n"
	  "  out=N (head size; 0 = no head), act=tanh|relu (rnn), init=default|xavier|orthogonal|identity,\n"
	  "  radius=R (scale each W_hh to spectral radius R), forget_bias=B (lstm), layernorm=on|off,\n"
	  "  residual=on|off, dropout=P (between layers).\n"
	  "in=, out= and vocab= default to the selected dataset's sizes; embed= defaults to 32.\n"
	  "A new model starts a new run: fresh weights, optimizer state and history, and it reads\n"
	  "the data from the first batch again (runs compare on the same batches).\n"
	  "example: model lstm hidden=64 layers=2 dropout=0.2\n"
	  "model seq2seq cell=rnn|lstm|gru hidden=N [embed=N] [src_vocab=N] [tgt_vocab=N] [layers=N]\n"
	  "  [attention=none|dot|general]: an encoder-decoder for the seq2seq tasks (reverse, sort,\n"
	  "  addition, dates); embed= defaults to 32, the vocabularies to the dataset's, attention to none.\n"
	  "  Luong attention without input feeding: dot scores h_t . hbar_s, general h_t . W_a hbar_s.\n"
	  "example: data reverse len=20; model seq2seq cell=lstm hidden=128 embed=32 attention=dot",
	  COMP_WORDS, model_words },
	{ "data", cmd_data, 1, -1, CMD_CHANGES, "data NAME [key=value...] | data list | data info | data show [N]",
	  "select a dataset, list them, describe or preview the selected one",
	  "data csv FILE [column=NAME|N] [window=N] [horizon=N] reads a series from a CSV file;\n"
	  "data text FILE [seq=N] a character-level language model over a text file.\n"
	  "The same line gives the same data, whatever ran before it: its examples come from the\n"
	  "session's seed (set seed=), or from the dataset's own, seed=N (data adding T=60 seed=7).\n"
	  "Parameters and their defaults: data list, help data.",
	  COMP_DATASET, data_words },
	{ "set", cmd_set, 1, -1, CMD_CHANGES, "set KEY=VALUE...", "change training settings (help set lists them)",
	  "All pairs are checked before any is applied.  example: set optim=adam lr=3e-3 clip=1",
	  COMP_SETTINGS, NULL },
	{ "show", cmd_show, 0, 1, 0, "show [config|model|data|memory|engine|colour]",
	  "show the settings, the model, the dataset, what training holds in memory, the engine, the colours",
	  "show alone: the settings, then the engine and the colours.  engine: the BLAS library, its\n"
	  "version and the kernels (core) in use and who chose them; the CPU's instruction set; whether\n"
	  "subnormal floats are flushed to zero (they are, on every computing thread: see README,\n"
	  "Portability).  colour: what maps and plots are drawn with (24-bit, 256 or 8 colours, or\n"
	  "none: shades) and why: set colour=, or what auto found (NO_COLOR, --ascii, COLORTERM,\n"
	  "the terminal's colours).",
	  COMP_WORDS, show_words },
	{ "train", cmd_train, 0, 2, CMD_CHANGES | CMD_MODEL | CMD_DATA, "train [N] [steps|epochs]",
	  "train for N steps (default: one epoch) or N epochs",
	  "Prints a progress line every log_every steps and validates every val_every steps.\n"
	  "Ctrl-C stops after the current step; the model is kept as after that step.",
	  COMP_WORDS, (const char *const[]){ "steps", "epochs", NULL } },
	{ "eval", cmd_eval, 0, 0, CMD_MODEL | CMD_DATA, "eval", "loss (and accuracy) on the validation split",
	  "seq2seq: token accuracy (teacher-forced) and whole-sequence accuracy of greedy decoding.",
	  COMP_NONE, NULL },
	{ "predict", cmd_predict, 0, 1, CMD_MODEL | CMD_DATA, "predict [N]",
	  "show the model's output next to the target for N validation examples (5)", NULL, COMP_NONE, NULL },
	{ "generate", cmd_generate, 0, 3, CMD_CHANGES | CMD_MODEL | CMD_NEEDS(CAP_TIMESTEPS) | CMD_DATA, "generate [N] [temp=T] [prime=\"text\"]",
	  "sample N tokens (200) from a language model", "temp=1 samples from the model's distribution;\n"
	  "lower is more conservative, 0 is greedy.", COMP_WORDS, generate_words },
	{ "grads", cmd_grads, 0, 1, CMD_MODEL | CMD_NEEDS(CAP_PROBES), "grads [part=enc|dec]",
	  "dL/dh_t per timestep and layer, and per-parameter gradient norms",
	  "From the last training step (or one forward+backward on a training batch when there was none).\n"
	  "A seq2seq model has two stacks of cells: part=enc (the encoder) or part=dec (the decoder);\n"
	  "  gates and step then read the same one (the flow pane shows both).",
	  COMP_WORDS, (const char *const[]){ "part=enc", "part=dec", NULL } },
	{ "gates", cmd_gates, 0, 4, CMD_MODEL | CMD_NEEDS(CAP_PROBES), "gates [layer=K] [sample=B] [unit=J|max] [part=enc|dec]",
	  "gate activations of the last step: heatmaps (units x time), or one unit's lines",
	  "unit=J draws unit J's gates as lines over t (lstm i f g o and c, gru r z n and h, rnn h);\n"
	  "  unit=max picks the unit whose forget gate (lstm f, gru z) is most open over the sequence,\n"
	  "  the one that carries the memory (rnn: the largest mean |h_t|).  In the workbench it opens\n"
	  "  the gates pane (F4) on that layer, sequence and unit (U there switches heatmaps and a\n"
	  "  unit's lines; Up/Down pick the unit); elsewhere it prints.  part=enc|dec: a seq2seq\n"
	  "  model's encoder or decoder (E in the pane switches).",
	  COMP_WORDS, gates_words },
	{ "plot", cmd_plot, 1, 10, 0, "plot loss|grad|lr|flow|sat|gates|h|compare|eigen|jacobian|states|landscape [log] [--svg FILE [force]]",
	  "plot a training curve, the gradient flow or the gates", 
	  "loss: train and validation loss (log: on a log scale);  grad: global gradient norm and\n"
	  "the clip threshold;  lr: the learning rate;  flow: ||dL/dh_t|| against t (log scale), one\n"
	  "curve per layer;  sat: the fraction of units saturated at each timestep.  Saturated: a\n"
	  "sigmoid gate below 0.05 or above 0.95, a tanh (rnn h, lstm g, gru n) beyond\n"
	  "+-0.95, a relu at 0; its derivative is then under 0.1 (0 for relu), so the gradient through\n"
	  "it all but stops.  gates, h: heatmaps of the last step;  compare: see help compare.\n"
	  "eigen [layer=K] [gate=G] [part=enc|dec]: every eigenvalue of a W_hh block (lstm: gate i f g o,\n"
	  "default g; gru: r z n, default n) against the unit circle, with the spectral radius max|l|\n"
	  "and the spectral norm ||W||2 (LAPACK dgeev, dgesvd): inside the circle, products of W\n"
	  "shrink.  A seq2seq model has two stacks: part=enc the encoder's (the default), part=dec the\n"
	  "decoder's; other models have one, and take no part=.\n"
	  "jacobian [layer=K] [sample=B]: for one sequence of the last step, each step's ||dh_t/dh_t-1||\n"
	  "(largest singular value), their product from the end back to t, and the measured\n"
	  "||dL/dh_t||/||dL/dh_T||: with the loss at the end and one layer of rnn or gru, the measured\n"
	  "curve stays under the product (Pascanu et al. 2013); lstm adds max f_t, its cell's path.\n"
	  "states [layer=K] [sample=B] [samples=N]: h_t of N sequences (4) as paths on their first two\n"
	  "principal components (LAPACK dsyev), t=1 marked: where the state jumps, and what it carries.\n"
	  "jacobian and states read the last step's trace: rnn, lstm and gru models only.\n"
	  "landscape: the last landscape again (help landscape), without computing it again.\n"
	  "In the workbench loss opens the train pane (F2), gates the gates pane (F4), compare the\n"
	  "compare pane (F6), the others the plot pane (F8).  A constant learning rate is one line.\n"
	  "--svg FILE writes the plot as SVG instead (for slides; eigen and states: a square plane, one\n"
	  "scale on both axes, so the unit circle is round; a landscape's line writes its gradient\n"
	  "norm beside it, FILE-grad.svg, and its marks are dots: the weights, S and C where the\n"
	  "steps land); an existing file is replaced only when rnnlab wrote it, or with force.",
	  COMP_WORDS, plot_words },
	{ "landscape", cmd_landscape, 0, 8, CMD_MODEL | CMD_NEEDS(CAP_TIMESTEPS),
	  "landscape [dir=grad|scale|random] [dir2=...] [from=A] [to=B] [points=N] [lr=X] [clip=C] [on=val|train]",
	  "the loss around the weights: along a line, or over a plane",
	  "On the first validation examples (at most 64; on=train: the last training batch, at a break\n"
	  "  the one held back), the loss and the global gradient norm at w + alpha d for\n"
	  "  alpha from A to B (N points, 41), the weights put back after.  dir=grad: d is the gradient,\n"
	  "  normalised (the slope at 0 is its norm); scale: d is W_hh, so the recurrent matrices are\n"
	  "  scaled by 1 + alpha (from -1 to 2: zero to three times); random: a Gaussian step with each\n"
	  "  row as long as the weights' row (Li et al. 2018).  A tanh rnn shows the cliff of Pascanu\n"
	  "  et al. (2013): the gradient norm jumps by orders of magnitude across it.\n"
	  "dir2=D: the loss over the plane w + alpha d + beta d2 as a heatmap (log10 when positive;\n"
	  "  points N x N, 21, at most 61; beta over D's default range).\n"
	  "Marked: the weights (O) and where one update from them lands: plain SGD at w - lr g (S) and\n"
	  "  clipped by norm at w - lr min(1, C/||g||) g (C), on the picture when an axis is the gradient.\n"
	  "  lr: the session's (set lr=); C: set clip=, else 1.  expect landscape reads the numbers.",
	  COMP_WORDS, (const char *const[]){ "dir=grad", "dir=scale", "dir=random", "dir2=grad", "dir2=scale",
					     "dir2=random", "from=", "to=", "points=", "lr=", "clip=", "on=val", "on=train", NULL } },
	{ "import", cmd_import, 1, 1, CMD_CHANGES | CMD_MODEL, "import FILE.npz",
	  "load weights saved under PyTorch's state_dict names",
	  "Every tensor of the model must be in the file with its shape; nothing changes otherwise.",
	  COMP_FILE, NULL },
	{ "export", cmd_export, 1, 2, CMD_MODEL, "export FILE.npz [force]", "save the weights under PyTorch's state_dict names",
	  NULL, COMP_FILE, NULL },
	{ "probe", cmd_probe, 2, 3, CMD_MODEL, "probe IN.npz OUT.npz [force]",
	  "one forward+backward pass on the given batch: outputs, states, loss, dL/dh_t and gradients",
	  "IN holds x, y and optionally h0, c0; OUT gets output, h_n, c_n, loss, dh, grad.<name>.\n"
	  "seq2seq: IN holds src [S,B], tgt_in [T,B], tgt_out [T,B] (int ids); OUT also gets attn [T,B,S].\n"
	  "Dropout is off and the weights do not change.  See README, 'Moving models to PyTorch'.",
	  COMP_FILE, NULL },
	{ "gradcheck", cmd_gradcheck, 0, 1, CMD_MODEL | CMD_DATA, "gradcheck [N]",
	  "compare backprop with finite differences on a training batch (N entries per tensor, 20)",
	  NULL, COMP_NONE, NULL },
	{ "save", cmd_save, 1, 2, 0, "save FILE [force]", "save the whole session (model, optimizer, data choice, history)",
	  "The file is an .npz numpy can open, written atomically.  An existing file that is not an\n"
	  "rnnlab session is not overwritten unless `force` is given.", COMP_FILE, NULL },
	{ "load", cmd_load, 1, 1, CMD_CHANGES, "load FILE", "load a session saved with save",
	  "A damaged or truncated file is refused and the current session stays as it was.", COMP_FILE, NULL },
	{ "journal", cmd_journal, 0, 3, 0, "journal [show] | journal save FILE.lab [force]",
	  "the commands that changed this session; save writes a script that replays it", NULL,
	  COMP_WORDS, journal_words },
	{ "history", cmd_history, 0, 3, 0, "history [N] | history save FILE.csv [force]",
	  "the last N training steps (10), or all of them as CSV",
	  "A run keeps every step up to 65,536 rows.  Longer runs are thinned evenly: one row per\n"
	  "  2, 4, 8 ... steps over the whole run, with the newest step, the best validation loss\n"
	  "  and the largest gradient norm always kept.  Memory stays bounded however long it trains.",
	  COMP_WORDS, history_words },
	{ "break", cmd_break, 0, 6, 0, "break CONDITION | break [list] | break clear [N]",
	  "stop training when a condition holds, and show that step",
	  "conditions: grad > X, loss nan, loss < X, val < X, gate f mean < X (lstm i f g o c,\n"
	  "  gru r z n), sat > X (saturated fraction), flow < X (||dL/dh_1|| / ||dL/dh_T||).\n"
	  "grad, loss, gate, sat and flow are checked before the step's update: when one holds the\n"
	  "  update is not applied, the weights stay those of the step before (a checkpoint is taken\n"
	  "  there), and the step pane shows the batch that tripped it; train goes on from there.\n"
	  "val is checked after the update (it is measured on the new weights, every val_every steps).\n"
	  "A step whose loss or gradient is not finite is never applied; loss nan and grad > X catch it.\n"
	  "With tbptt every window of a batch is an update, checked before it is applied: a hold keeps\n"
	  "  the windows of the batch already applied, and the step count counts updates.\n"
	  "A seq2seq model's gate, sat and flow are its encoder's or decoder's: the half grads, gates\n"
	  "  and step last read (part=enc|dec there).\n"
	  "examples: break grad > 1e3;  break gate f mean < 0.1;  break loss nan", COMP_WORDS, break_words },
	{ "rewind", cmd_rewind, 0, 1, CMD_CHANGES, "rewind [N] | rewind list",
	  "go back to a checkpoint (weights, optimizer, history)",
	  "A checkpoint is taken when train starts and every checkpoint_every steps; the last 5 are kept.\n"
	  "rewind goes to the newest one before now, rewind N to the N-th newest (rewind list).",
	  COMP_WORDS, (const char *const[]){ "list", NULL } },
	{ "runs", cmd_runs, 0, 20, 0, "runs | runs name TEXT", "the runs of this session (each model starts one)",
	  "A numbered table of the runs: the finished ones, oldest first, then the current model's.\n"
	  "  A run is labelled with its name, or with its cell and the words of its model line that\n"
	  "  tell it apart from the others.  runs name TEXT names the current run (no quotes needed:\n"
	  "  runs name LSTM h64); compare labels its curve so.", COMP_WORDS, (const char *const[]){ "name", NULL } },
	{ "compare", cmd_compare, 0, 8, 0, "compare [loss|val|grad|flow] [log] [runs=1,3,...] [--svg FILE [force]]",
	  "one curve per run on the current data, in one plot",
	  "loss: training loss;  val: validation loss;  grad: global gradient norm (log scale);\n"
	  "  flow: ||dL/dh_t|| of the top layer against t at each run's last step (log scale): train\n"
	  "  one step of rnn, lstm and gru models and compare flow shows how far back each carries\n"
	  "  the gradient.  Without a word: validation loss where it was measured, else training loss.\n"
	  "  log: a log scale.  runs=1,3: only those runs (numbers from `runs`).  Runs on other data\n"
	  "  are not shown.  In the workbench it opens the compare pane (F6; C there switches what it\n"
	  "  shows); --svg FILE writes the plot instead.", COMP_WORDS,
	  (const char *const[]){ "loss", "val", "grad", "flow", "log", "runs=", "--svg", NULL } },
	{ "view", cmd_view, 1, 1, 0, "view train|flow|gates|step|compare|attention",
	  "switch the workbench pane (in batch mode: print it)", NULL, COMP_WORDS, pane_names },
	{ "step", cmd_step, 0, 5, CMD_MODEL | CMD_NEEDS(CAP_PROBES), "step [t=N] [layer=K] [sample=B] [unit=J] [part=enc|dec]",
	  "one timestep of the last training batch: every gate's equation with its numbers",
	  "Shows x_t, h_t-1, the gates of unit J as equations, c_t and h_t, and dL/dh_t with the\n"
	  "factor it shrank or grew by since t+1.  In the workbench it opens the step pane (F5) there,\n"
	  "  where Left/Right, Up/Down, [ ] and < > move on.  part=enc|dec: a seq2seq model's encoder\n"
	  "  or decoder (E in the pane switches); a decoder step shows its attention over the source.",
	  COMP_WORDS, step_words },
	{ "translate", cmd_translate, 1, 3, CMD_MODEL | CMD_NEEDS(CAP_TRANSLATE) | CMD_DATA, "translate \"text\" [beam=W] [max=N]",
	  "run a seq2seq model on a source text: greedy (beam=1) or beam search",
	  "Stops at EOS or after max steps (default: the task's target length).  The attention\n"
	  "weights of the output are kept for the attention pane (view attention).  A beam\n"
	  "hypothesis scores the sum of its log-probabilities; the search stops when no live one\n"
	  "can beat the best that ended with EOS.  Characters outside the vocabulary read as <unk>;\n"
	  "the text is padded with PAD to the task's source length, as the training sources are.",
	  COMP_WORDS, (const char *const[]){ "beam=", "max=", NULL } },
	{ "lesson", cmd_lesson, 0, 1, 0, "lesson [N]", "list the lessons, or start lesson N",
	  "The lessons are scripts that teach one idea each (scenarios/NN-name.lab); `lesson` lists\n"
	  "  them with their titles, parts and rough length, `lesson 4` (or `run 4`) starts lesson 4.\n"
	  "  They are found from any directory: $RNNLAB_LESSONS, ./scenarios, beside rnnlab, or where\n"
	  "  make install put them.", COMP_NONE, NULL },
	{ "run", cmd_run, 1, 1, 0, "run FILE.lab | run N", "run the commands in a script file (N: lesson N)",
	  "A name without a '/' that no file here has names a lesson's file, with or without .lab\n"
	  "  (run 02-vanishing).  A script stops at its first error.  Scripts nest at most 8 deep; a\n"
	  "  script (its nested scripts included) runs at most 100,000 commands and prints at most\n"
	  "  64 MiB, which rnnlab --max-commands N and --max-output MB raise (a script cannot).  Past a\n"
	  "  limit the whole script stops, and `try` does not catch it.  Esc, Ctrl-C and SIGTERM stop\n"
	  "  it too.",
	  COMP_FILE, NULL },
	{ "sweep", cmd_sweep, 2, 6, 0, "sweep KEY=V1,V2,... [KEY=...] steps=N [target=X] [emit=DIR] | sweep collect DIR",
	  "train the current experiment over a grid of values, one run each, on every core",
	  "A key may be a parameter of the dataset (T, len, delay, ...), cell, a model key (hidden,\n"
	  "layers, init, radius, ...) or a setting (lr, optim, clip, ...).  Each combination builds a\n"
	  "fresh model and trains it; the table gives its best validation loss and, with target=X,\n"
	  "the first step below X.  compare overlays the runs.\n"
	  "Every combination starts from the session as the sweep found it (its data, its settings,\n"
	  "and the generator reseeded with its seed), so a run's numbers depend on its combination\n"
	  "only.  set jobs=N runs N at once (default: one per core, threads= cores each): the last\n"
	  "here, the others in worker processes, with the same table as jobs=1, which runs them one\n"
	  "after another here.  Esc, Ctrl-C and SIGTERM stop every worker; one that fails or dies\n"
	  "is its row's 'failed: why'.\n"
	  "emit=DIR trains nothing: it writes a script per combination (DIR/run-01.lab ...), a\n"
	  "manifest and DIR/slurm.sh, to run anywhere: parallel rnnlab --batch ::: DIR/*.lab, or\n"
	  "sbatch DIR/slurm.sh (a Slurm job array), or a loop; each writes its .result beside it.\n"
	  "sweep collect DIR then prints the same table, and the compare plot, from the results\n"
	  "(each file read as a stranger's: checked, bounded, never outside DIR).\n"
	  "example: sweep T=25,50,100 cell=rnn,gru,lstm steps=600 target=0.02",
	  COMP_WORDS, (const char *const[]){ "collect", "steps=", "target=", "emit=", "cell=", "hidden=", "lr=", NULL } },
	{ "quantize", cmd_quantize, 1, 1, CMD_CHANGES, "quantize int8",
	  "store every weight matrix in 8 bits (one scale per tensor); loss and size before and after",
	  "A checkpoint is taken first: rewind undoes it.", COMP_WORDS, (const char *const[]){ "int8", NULL } },
	{ "prune", cmd_prune, 1, 1, CMD_CHANGES, "prune P%",
	  "zero the smallest P% of every weight matrix; loss and size before and after",
	  "Biases are kept.  A checkpoint is taken first: rewind undoes it.", COMP_NONE, NULL },
	{ "distill", cmd_distill, 1, 8, CMD_CHANGES | CMD_MODEL | CMD_NEEDS(CAP_DISTILL) | CMD_DATA,
	  "distill hidden=N [cell=C] [layers=K] [embed=E] [T=temp] [alpha=A] [steps=N] [baseline=on|off]",
	  "train a smaller student on the current model's outputs; the student becomes the model",
	  "The current model is the teacher (Hinton et al. 2015).  The student takes its input and\n"
	  "  output sizes (in=, or vocab= and embed=; out=), its cell and its layers unless cell=,\n"
	  "  layers= or embed= say otherwise, and trains on the same data for steps=N (default: as\n"
	  "  many steps as the teacher has had).  It starts a new run.\n"
	  "Its loss, on the positions the task loss scores and averaged over them as that is:\n"
	  "  ce (classification, language models): alpha*T^2*KL(softmax(z_teacher/T) || softmax(z/T))\n"
	  "  + (1-alpha)*ce; bce the same with two classes per output; mse (regression):\n"
	  "  alpha*mse(z, z_teacher) + (1-alpha)*mse(z, target), no T.  T=2, alpha=0.5 by default.\n"
	  "  The training loss shown is that mix; val is the task loss, comparable with any run.\n"
	  "baseline=on (the default): the same student -- the same initial weights, batches and\n"
	  "  settings -- trains beside it without the teacher and becomes a run of its own, so that\n"
	  "  compare shows teacher, student and baseline; the end report gives each one's validation\n"
	  "  loss and the gain (expect distill gain reads it).  A step costs the teacher's forward\n"
	  "  pass, the student's step and the baseline's.  While it runs, only log_every, val_every,\n"
	  "  checkpoint_every and pace may change.  Esc stops it: the student keeps its steps, and\n"
	  "  train goes on without the teacher.  model show says what the model was distilled from;\n"
	  "  quantize and prune work on the student as on any model (distil, then quantize).\n"
	  "example: distill hidden=64 T=2 alpha=0.5",
	  COMP_WORDS, (const char *const[]){ "hidden=", "cell=", "layers=", "embed=", "T=", "alpha=", "steps=",
					     "baseline=", NULL } },
	{ "expect", cmd_expect, 1, 6, 0, "expect QUANTITY < VALUE | expect error \"text\" | expect ok",
	  "check a lesson's claim; a claim that does not hold is an error",
	  "quantities: loss (mean of the last 10 steps), val, best_val, acc, seq_acc, tok_acc,\n"
	  "  grad, grad_first, grad_max, flow [layer=K] [ratio(t=1,t=T)], radius, steps, params,\n"
	  "  finite (1 when no step of the run was refused), activations (MiB), gate G mean|max (the\n"
	  "  last step's mean of a gate: lstm i f g o c, gru r z n; max: the most open unit's mean),\n"
	  "  eigen max|norm|outside [layer=K] [part=enc|dec] (plot eigen's block: spectral radius, norm,\n"
	  "  eigenvalues outside the unit circle; seq2seq: the encoder's, part=dec the decoder's),\n"
	  "  jacobian product [layer=K] (plot jacobian's product over the whole of sequence 0),\n"
	  "  landscape loss|grad|sgd|clipped|step|span (the last landscape, of the weights now: the\n"
	  "  loss and gradient norm there; the loss where a plain and a clipped SGD step land, over the\n"
	  "  loss there; the plain step's length over the weights' norm; the largest over the smallest\n"
	  "  gradient norm on the line), distill gain|student|alone|teacher (the last distill's\n"
	  "  validation losses at its end; gain: the student without the teacher's minus the\n"
	  "  student's).  comparisons: < > <= >= ==\n"
	  "example: expect best_val < 0.02;  expect flow ratio(t=1,t=T) < 1e-10;  expect gate f mean > 0.7",
	  COMP_WORDS, expect_quantities },
	{ "try", cmd_try, 1, -1, 0, "try COMMAND ...", "run a command that may fail; the script goes on",
	  "Then `expect error \"text\"` checks how it failed, `expect ok` that it did not.", COMP_COMMAND, NULL },
	{ "full", cmd_full, 1, -1, 0, "full COMMAND ...", "run a command except in the fast mode of make test",
	  "Lessons mark their long demonstrations with it; their checks never are.", COMP_COMMAND, NULL },
	{ "say", cmd_say, 1, -1, 0, "say \"text\"", "print a line of narration (lessons)", NULL, COMP_NONE, NULL },
	{ "pause", cmd_pause, 0, 1, 0, "pause [\"text\"]", "wait for Space in the workbench (skipped in batch mode)",
	  "The lesson stops until Space or Enter.  Meanwhile F2..F8 switch panes, F1 shows help,\n"
	  "  PgUp scrolls the log, and the step and gates panes' keys work; typing is ignored.",
	  COMP_NONE, NULL },
	{ "quit", cmd_quit, 0, 0, 0, "quit", "leave rnnlab",
	  "In the workbench, a run with trained steps that no file holds makes quit ask once: quit\n"
	  "  again to leave, or save FILE first.", COMP_NONE, NULL },
	{ "exit", cmd_quit, 0, 0, 0, "exit", "leave rnnlab (same as quit)", NULL, COMP_NONE, NULL },
};

int cmd_count(void)
{
	return (int)(sizeof commands / sizeof commands[0]);
}

const Command *cmd_at(int i)
{
	return i >= 0 && i < cmd_count() ? &commands[i] : NULL;
}

const Command *cmd_find(const char *name)
{
	for (int i = 0; i < cmd_count(); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

size_t stmt_text(const Stmt *st, char *line, size_t cap)
{
	size_t len = 0;
	for (int i = 0; i < st->argc && len < cap; i++) {
		const Word *w = &st->argv[i];
		if (i)
			line[len++] = ' ';
		if (w->key) {
			len += (size_t)snprintf(line + len, cap - len, "%s=", w->key);
			if (len < cap)
				len += lex_quote(w->value, line + len, cap - len);
		} else if (len < cap) {
			len += lex_quote(w->text, line + len, cap - len);
		}
	}
	if (len >= cap)
		return 0;
	line[len] = '\0';
	return len;
}

static void journal_add(Session *s, const Stmt *st)
{
	char line[2048];
	if (stmt_text(st, line, sizeof line))
		session_journal_push(s, line);
}

/* Only the settings that may change while training runs (SettingDef.live);
 * while distill runs, only those that change no number of the run: the
 * journal replays a distill whole. */
static int set_while_training(const Session *s, const Stmt *st, Err *e)
{
	static const char *const quiet[] = { "log_every", "val_every", "checkpoint_every", "pace" };
	for (int i = 1; s->kd && i < st->argc; i++) {
		int ok = !st->argv[i].key;	/* set itself says what is wrong with it */
		for (size_t k = 0; k < sizeof quiet / sizeof *quiet && !ok; k++)
			ok = !strcmp(st->argv[i].key, quiet[k]);
		if (!ok)
			return err_set(e, ERR_STATE, "%s cannot change while distill runs (these can: log_every, val_every, "
				       "checkpoint_every, pace); Esc stops it", st->argv[i].key);
	}
	for (int i = 1; i < st->argc; i++) {
		const SettingDef *d = st->argv[i].key ? setting_find(st->argv[i].key) : NULL;
		if (!d || d->live)
			continue;	/* set itself says what is wrong with a word */
		char live[400];
		size_t len = 0;
		for (int k = 0; k < setting_count() && len < sizeof live; k++)
			if (setting_at(k)->live)
				len += (size_t)snprintf(live + len, sizeof live - len, "%s%s", len ? ", " : "",
							setting_at(k)->key);
		return err_set(e, ERR_STATE, "%s cannot change while training runs (Esc stops it); these can, from the "
			       "next step: %s", d->key, live);
	}
	return 0;
}

/* A `set` while a train job runs, in the journal as it happened: the job's
 * `train N` entry becomes the steps done so far (train D), then the set,
 * then the steps still to go, so that replaying the journal repeats the run. */
static void journal_split_job(Session *s, const Stmt *set)
{
	TrainJob *j = &s->job;
	const long done = j->total - j->left - j->journal_base;
	if (j->journal_at < 0 || j->journal_at >= s->njournal || strncmp(s->journal[j->journal_at], "train", 5)) {
		journal_add(s, set);	/* not a job this journal started */
		return;
	}
	char line[64];
	if (done > 0) {
		snprintf(line, sizeof line, "train %ld", done);
		char *t = strdup(line);
		if (t) {
			free(s->journal[j->journal_at]);
			s->journal[j->journal_at] = t;
		}
	} else {	/* nothing trained yet: the set comes first */
		free(s->journal[j->journal_at]);
		memmove(s->journal + j->journal_at, s->journal + j->journal_at + 1,
			(size_t)(s->njournal - j->journal_at - 1) * sizeof *s->journal);
		s->njournal--;
	}
	journal_add(s, set);
	snprintf(line, sizeof line, "train %ld", j->left);
	session_journal_push(s, line);
	j->journal_at = s->njournal - 1;
	j->journal_base = j->total - j->left;
}

int cmd_dispatch(Session *s, const Stmt *st, Err *e)
{
	const char *name = st->argv[0].text;
	const Command *c = cmd_find(name);
	if (!c) {
		/* suggest the commands sharing a prefix */
		char buf[200] = "";
		size_t len = 0;
		for (int i = 0; i < cmd_count() && len < sizeof buf; i++)
			if (strncmp(commands[i].name, name, 2) == 0)
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "", commands[i].name);
		return err_set(e, ERR_INVAL, "unknown command (%s%s; help lists them)", len ? "did you mean " : "",
			       len ? buf : "type help");
	}
	int nargs = st->argc - 1;
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args))
		return err_set(e, ERR_INVAL, "%s (usage: %s)",
			       nargs < c->min_args ? "missing arguments" : "too many arguments", c->usage);
	int rc;
	if ((c->flags & CMD_MODEL) && (rc = learner_need(s->lr, c->flags / CMD_NEEDS(1), name, e)))
		return rc;
	if ((c->flags & CMD_DATA) && !s->data)
		return err_set(e, ERR_STATE, "no dataset yet (try: data list, then data NAME)");
	const int midjob = s->job.left > 0;
	if ((c->flags & CMD_CHANGES) && midjob &&
	    (rc = strcmp(name, "set") ? err_set(e, ERR_STATE, "training is running (Esc stops it; set lr, clip and "
						"the like apply from the next step); %s changes the session", name)
				      : set_while_training(s, st, e)))
		return rc;
	const char *outer = s->running;	/* `run` runs commands inside a command */
	s->running = c->name;
	rc = c->fn(s, st->argc, st->argv, e);
	s->running = outer;
	if (!rc && (c->flags & CMD_CHANGES)) {
		/* model show / data list|info|show change nothing */
		int changes = 1;
		if (st->argc > 1 && !st->argv[1].key) {
			const char *a = st->argv[1].text;
			if ((!strcmp(name, "model") && !strcmp(a, "show")) ||
			    (!strcmp(name, "data") && (!strcmp(a, "list") || !strcmp(a, "info") || !strcmp(a, "show"))))
				changes = 0;
		}
		if (changes && midjob)	/* train D; set ...; train N - D */
			journal_split_job(s, st);
		else if (changes)
			journal_add(s, st);
		if (changes && !strcmp(name, "train") && s->job.left > 0) {	/* async: remember its entry */
			s->job.journal_at = s->njournal - 1;
			s->job.journal_base = 0;
		}
		if (changes && !strcmp(name, "model"))
			s->lesson_nonfinite = 0;	/* a new run (distill's is reset when it starts) */
	}
	return rc;
}

int cmd_help(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc == 1) {
		session_printf(s, "commands (help COMMAND for more):");
		for (int i = 0; i < cmd_count(); i++)
			session_printf(s, "  %-10s %s", commands[i].name, commands[i].summary);
		session_printf(s, "A line may hold several commands separated by ';'.  # starts a comment.");
		return 0;
	}
	const Command *c = cmd_find(argv[1].text);
	if (!c)
		return err_set(e, ERR_INVAL, "no command '%s' (help lists them)", argv[1].text);
	session_printf(s, "usage: %s", c->usage);
	session_printf(s, "  %s", c->summary);
	if (c->help)
		session_print_text(s, c->help);	/* any length: printf's line buffer is 1 KiB */
	if (!strcmp(c->name, "set")) {
		session_printf(s, "settings:");
		for (int i = 0; i < setting_count(); i++) {
			const SettingDef *d = setting_at(i);
			char val[128];
			setting_value(s, d->key, val, sizeof val);
			session_printf(s, "  %-16s %-10s %s", d->key, val, d->help);
		}
	}
	if (!strcmp(c->name, "data")) {
		session_printf(s, "datasets:");
		for (int i = 0; i < data_spec_count(); i++) {
			const DataSpec *d = data_spec_at(i);
			char keys[256] = "";
			size_t len = 0;
			for (const DataParam *p = d->params; p && p->key && len < sizeof keys; p++)
				len += (size_t)snprintf(keys + len, sizeof keys - len, " %s=%s", p->key, p->def);
			session_printf(s, "  %-12s%s%s", d->name, d->needs_file ? " FILE" : "", keys);
		}
	}
	return 0;
}

int cmd_quit(Session *s, int argc, const Word *argv, Err *e)
{
	/* typed in the workbench with trained steps that no file holds: once */
	if (s->host.confirm_quit && !s->src && !s->quit_asked && s->lr && s->hist.n && s->weights_gen != s->saved_gen) {
		s->quit_asked = 1;
		session_printf(s, "quit: step %ld of this run is not saved; quit again to leave, or save FILE first "
			       "(an autosave is made only on a signal)", session_step(s));
		return 0;
	}
	s->quit = 1;
	return 0;
}

int cmd_run(Session *s, int argc, const Word *argv, Err *e)
{
	char file[1024];
	int rc0 = lesson_path(argv[1].text, file, sizeof file, e);
	if (rc0)
		return rc0;
	if (s->host.run_script)
		return s->host.run_script(s->host.ctx, s, file, e);
	if (s->depth >= 8) {	/* stops the whole script: `try` cannot catch it */
		session_script_stop(s, "scripts nested more than 8 deep (does a script run itself?)");
		return err_set(e, ERR_STATE, "%s", s->script_stop);
	}
	s->depth++;
	int rc = session_run_file(s, file, 1);
	s->depth--;
	if (rc) {	/* already reported with its file and line */
		e->msg[0] = '\0';
		return rc;
	}
	return 0;
}

int cmd_lesson(Session *s, int argc, const Word *argv, Err *e)
{
	if (argc > 1)
		return cmd_run(s, argc, argv, e);
	LessonInfo ls[LESSONS_MAX];
	int n = lessons_list(ls, LESSONS_MAX);
	if (!n)
		return lesson_path("1", ls[0].path, sizeof ls[0].path, e);	/* says where it looked */
	int tw = 0;
	for (int i = 0; i < n; i++)
		tw = (int)strlen(ls[i].title) > tw ? (int)strlen(ls[i].title) : tw;
	for (int i = 0; i < n; i++)
		session_printf(s, "  %2d  %-*s  %2d part%s, ~%d min", ls[i].number, tw, ls[i].title, ls[i].parts,
			       ls[i].parts == 1 ? " " : "s", ls[i].parts * LESSON_MINUTES_PER_PART);
	session_printf(s, "run N (or lesson N) starts lesson N; they are in %.*s", (int)(strrchr(ls[0].path, '/') -
		       ls[0].path), ls[0].path);
	return 0;
}

int cmd_say(Session *s, int argc, const Word *argv, Err *e)
{
	char buf[1024];
	size_t len = 0;
	for (int i = 1; i < argc && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i > 1 ? " " : "", argv[i].text);
	session_printf(s, "%s", buf);	/* made safe for the terminal on its way out */
	if (s->host.say) {
		text_sanitize(buf);
		s->host.say(s->host.ctx, buf);
	}
	return 0;
}

int cmd_pause(Session *s, int argc, const Word *argv, Err *e)
{
	if (s->host.pause)
		s->host.pause(s->host.ctx, argc > 1 ? argv[1].text : "");
	return 0;
}

/* ---- completion ---- */

static void add_prefixed(const char *const *words, const char *pre, size_t n,
			 void (*add)(void *, const char *), void *ctx)
{
	for (; words && *words; words++)
		if (strncmp(*words, pre, n) == 0)
			add(ctx, *words);
}

static void complete_files(const char *pre, size_t n, void (*add)(void *, const char *), void *ctx)
{
	char dir[1024], base[256];
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (pre[i] == '/')
			slash = pre + i;
	if (slash) {
		size_t dl = (size_t)(slash - pre) + 1;
		if (dl >= sizeof dir)
			return;
		memcpy(dir, pre, dl);
		dir[dl] = '\0';
	} else {
		strcpy(dir, "");
	}
	const char *bp = slash ? slash + 1 : pre;
	size_t bl = n - (size_t)(bp - pre);
	if (bl >= sizeof base)
		return;
	memcpy(base, bp, bl);
	base[bl] = '\0';
	DIR *d = opendir(*dir ? dir : ".");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(de->d_name, base, bl) != 0)
			continue;
		char cand[1400];
		int isdir = de->d_type == DT_DIR;
		snprintf(cand, sizeof cand, "%s%s%s", dir, de->d_name, isdir ? "/" : "");
		add(ctx, cand);
	}
	closedir(d);
}

void cmd_complete(const Session *s, const char *line, int start, int end,
		  void (*add)(void *ctx, const char *cand), void *ctx)
{
	/* Which word is this, and what command is it for?  Look back past
	 * the last ';'. */
	int from = 0;
	for (int i = 0; i < start; i++)
		if (line[i] == ';')
			from = i + 1;
	char head[1024];
	int hl = start - from < (int)sizeof head - 1 ? start - from : (int)sizeof head - 1;
	memcpy(head, line + from, (size_t)hl);
	head[hl] = '\0';
	Lexed lx;
	Err e;
	if (lex_line(head, &lx, &e))
		return;
	const char *pre = line + start;
	size_t n = (size_t)(end - start);
	int nw = lx.nstmt ? lx.stmt[lx.nstmt - 1].argc : 0;
	const Word *w = lx.nstmt ? lx.stmt[lx.nstmt - 1].argv : NULL;
	if (nw == 0) {
		for (int i = 0; i < cmd_count(); i++)
			if (strncmp(commands[i].name, pre, n) == 0)
				add(ctx, commands[i].name);
		lex_free(&lx);
		return;
	}
	const Command *c = cmd_find(w[0].text);
	if (!c) {
		lex_free(&lx);
		return;
	}
	/* key=value: complete the value of a known enum key */
	const char *eq = memchr(pre, '=', n);
	if (eq) {
		size_t kl = (size_t)(eq - pre);
		char key[64];
		if (kl < sizeof key) {
			memcpy(key, pre, kl);
			key[kl] = '\0';
			const char *const *vals = NULL;
			static const char *const onoff[] = { "on", "off", NULL };
			if (c->comp == COMP_SETTINGS) {
				for (int i = 0; i < setting_count(); i++)
					if (!strcmp(setting_at(i)->key, key))
						vals = setting_at(i)->choices;
			} else if (!strcmp(c->name, "distill")) {
				if (!strcmp(key, "cell"))
					vals = cell_words;
				else if (!strcmp(key, "baseline"))
					vals = onoff;
			} else if (!strcmp(c->name, "model")) {
				if (!strcmp(key, "act"))
					vals = act_names;
				else if (!strcmp(key, "init"))
					vals = init_names;
				else if (!strcmp(key, "cell"))
					vals = cell_words;
				else if (!strcmp(key, "attention"))
					vals = attention_words;
				else if (!strcmp(key, "layernorm") || !strcmp(key, "residual"))
					vals = onoff;
			}
			int nv = vals == act_names ? ACT_COUNT : vals == init_names ? INIT_COUNT : -1;
			for (int i = 0; vals && (nv < 0 ? vals[i] != NULL : i < nv); i++)
				if (strncmp(vals[i], eq + 1, n - kl - 1) == 0) {
					char cand[160];
					snprintf(cand, sizeof cand, "%s=%s", key, vals[i]);
					add(ctx, cand);
				}
		}
		lex_free(&lx);
		return;
	}
	switch (c->comp) {
	case COMP_FILE:
		complete_files(pre, n, add, ctx);
		break;
	case COMP_COMMAND:
		if (nw == 1)
			for (int i = 0; i < cmd_count(); i++)
				if (strncmp(commands[i].name, pre, n) == 0)
					add(ctx, commands[i].name);
		break;
	case COMP_SETTINGS:
		for (int i = 0; i < setting_count(); i++) {
			char cand[80];
			snprintf(cand, sizeof cand, "%s=", setting_at(i)->key);
			if (strncmp(cand, pre, n) == 0)
				add(ctx, cand);
		}
		break;
	case COMP_DATASET:
		if (nw == 1) {
			add_prefixed(c->words, pre, n, add, ctx);
			for (int i = 0; i < data_spec_count(); i++)
				if (strncmp(data_spec_at(i)->name, pre, n) == 0)
					add(ctx, data_spec_at(i)->name);
		} else {
			const DataSpec *d = data_spec_find(w[1].text);
			if (d && d->needs_file && nw == 2) {
				complete_files(pre, n, add, ctx);
				break;
			}
			for (const DataParam *p = d ? d->params : NULL; p && p->key; p++) {
				char cand[80];
				snprintf(cand, sizeof cand, "%s=", p->key);
				if (strncmp(cand, pre, n) == 0)
					add(ctx, cand);
			}
		}
		break;
	case COMP_WORDS:
		if (!strcmp(c->name, "model") && nw >= 2) {
			add_prefixed(model_keys, pre, n, add, ctx);
			break;
		}
		if (!strcmp(c->name, "plot") && nw >= 2 && !strcmp(w[nw - 1].text, "--svg")) {
			complete_files(pre, n, add, ctx);
			break;
		}
		if ((!strcmp(c->name, "journal") || !strcmp(c->name, "history")) && nw >= 2) {
			complete_files(pre, n, add, ctx);
			break;
		}
		if (nw == 1 || !strcmp(c->name, "gates") || !strcmp(c->name, "generate") || !strcmp(c->name, "step") ||
		    !strcmp(c->name, "distill"))
			add_prefixed(c->words, pre, n, add, ctx);
		break;
	default:
		break;
	}
	(void)s;
	lex_free(&lx);
}

void cmd_print_grid(Session *s, const Grid *g, int ascii, int trim_bottom)
{
	int flags = GRID_OUT_TRIM | (ascii ? GRID_OUT_ASCII : 0) |
		    (session_print_colors(s) != GRID_MONO ? GRID_OUT_ANSI : 0);
	char line[8192];
	int last = g->h - 1;
	while (trim_bottom && last > 0 && grid_row_utf8(g, last, line, sizeof line, GRID_OUT_TRIM) == 0)
		last--;
	for (int y = 0; y <= last; y++) {
		grid_row_utf8(g, y, line, sizeof line, flags);
		session_print_drawn(s, line);
	}
}
