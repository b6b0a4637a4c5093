/* cmd_translate.c — translate: decode a source text with a model that can
 * (CAP_TRANSLATE, the dispatcher checks), greedy or by beam search. */
#include <string.h>

#include "args.h"
#include "cmd.h"

int cmd_translate(Session *s, int argc, const Word *argv, Err *e)
{
	if (data_info(s->data)->kind != DATA_SEQ2SEQ)
		return err_set(e, ERR_STATE, "translate reads characters through the dataset's vocabulary: select the "
			       "seq2seq task the model learned (data reverse ...)");
	const char *text = NULL;
	int beam = 1, maxlen = 0, rc;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i].key;
		if (!k) {
			if (text)
				return err_set(e, ERR_INVAL, "one source text, in quotes (usage: translate \"text\" [beam=W] [max=N])");
			text = argv[i].text;
			continue;
		}
		if (!strcmp(k, "beam"))
			rc = arg_int("beam", argv[i].value, 1, S2S_MAX_BEAM, &beam, e);
		else if (!strcmp(k, "max"))
			rc = arg_int("max", argv[i].value, 1, 10000, &maxlen, e);
		else
			rc = err_set(e, ERR_INVAL, "unknown key '%s' (keys: beam, max)", k);
		if (rc)
			return rc;
	}
	if (!text || !*text)
		return err_set(e, ERR_INVAL, "nothing to translate (usage: translate \"text\" [beam=W] [max=N])");
	const Out o = session_out(s);
	return s->lr->ops->translate(s->lr, s->data, text, beam, maxlen, &o, e);
}
