/* cmd_s2s.h — the seq2seq side of the command language (cmd_s2s.c).
 *
 * A session holds either a plain model (s->model, s->trainer) or a
 * seq2seq model (s->s2s, s->s2st), never both.  The plain commands call
 * these hooks when s->s2s is set; the commands a seq2seq model does not
 * support are refused by the dispatcher (they lack CMD_S2S).
 */
#ifndef RNNLAB_CMD_S2S_H
#define RNNLAB_CMD_S2S_H

#include "grid.h"
#include "lex.h"
#include "session.h"

/* `seq2seq key=value...` (argv[0] = "seq2seq") into c; vocabularies from
 * a seq2seq dataset di (or NULL). */
int s2s_model_parse(int argc, const Word *argv, const DataInfo *di, S2sConfig *c, Err *e);
/* The canonical `model seq2seq ...` command for c. */
void s2s_model_describe(const S2sConfig *c, char *buf, size_t cap);

/* model seq2seq ... (argv[0] = "model"): build it, replacing any model. */
int s2s_cmd_model(Session *s, int argc, const Word *argv, Err *e);
void s2s_cmd_show(Session *s);
/* Archive the run of a seq2seq model and free it (no-op without one). */
void s2s_session_drop(Session *s);
/* Install a seq2seq model built elsewhere (load): m and t move into s. */
void s2s_session_set(Session *s, S2s *m, const S2sTrainer *t);

/* For session.c: does the seq2seq model fit the data; one training step
 * on the batch now in s->train_db; a validation pass (loss, and the
 * accuracies into s->val_eval). */
int s2s_session_fit(const Session *s, Err *e);
int s2s_session_step(Session *s, StepStats *st, Err *e);
int s2s_session_validate(Session *s, double *loss, Err *e);
/* A validation pass over up to max examples into s->val_eval. */
int s2s_session_eval(Session *s, long max, Err *e);

/* Handlers (the plain handler calls these when s->s2s is set). */
int s2s_cmd_probe(Session *s, int argc, const Word *argv, Err *e);
int s2s_cmd_eval(Session *s, int argc, const Word *argv, Err *e);
int s2s_cmd_predict(Session *s, int argc, const Word *argv, Err *e);
int s2s_cmd_gradcheck(Session *s, int argc, const Word *argv, Err *e);
int cmd_translate(Session *s, int argc, const Word *argv, Err *e);
/* `view attention` without a workbench: print the heatmap. */
int s2s_cmd_view_attention(Session *s, Err *e);

/* The last translation's attention (rows: output tokens, columns: source
 * tokens, labelled with the dataset's characters) drawn into the
 * rectangle of g; ERR_STATE with a message when there is none. */
int s2s_attention_draw(const Session *s, Grid *g, int x, int y, int w, int h, int ascii, GridColors colors,
		       Err *e);

#endif
