/* fuzz_cmd.c — the command language: lexer, dispatcher and every handler.
 *
 * The input is one or more command lines ('\n'-separated), each run with
 * session_exec on a fresh session, as if typed at the prompt.  Inputs
 * that ask for legitimately large work (fuzz_cheap in fuzz.h: big models,
 * long sequences, big batches, paths with '/') are skipped, and training
 * stops after FUZZ_MAX_STEPS steps.  Files the commands write land in a
 * private directory that is emptied after each input.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (!fuzz_cheap(data, size))
		return -1;	/* not worth a corpus entry */
	Session *s = fuzz_session();
	size_t i = 0;
	while (i < size && !s->quit) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		char *line = strndup((const char *)data + i, j - i);
		if (!line)
			abort();
		session_exec(s, line);
		free(line);
		i = j + 1;
	}
	session_free(s);
	fuzz_clean();
	return 0;
}
