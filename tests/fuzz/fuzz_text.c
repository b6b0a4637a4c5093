/* fuzz_text.c — `data text FILE`: a character-level LM over a user's file.
 *
 * The first byte picks seq= and val=, the rest is the file.  When it
 * opens: describe, show, train a tiny model two steps, generate with and
 * without a prime (the prime's characters may not be in the text).
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
	if (size < 1)
		return 0;
	static const char *const seq[] = { "", " seq=1", " seq=2", " seq=7" };
	static const char *const val[] = { "", " val=0", " val=0.5", " val=0.9" };
	const unsigned b = data[0];
	char cmd[128];
	snprintf(cmd, sizeof cmd, "data text in.txt%s%s", seq[b & 3], val[(b >> 2) & 3]);
	fuzz_write("in.txt", data + 1, size - 1);
	Session *s = fuzz_session();
	if (session_exec(s, cmd) == 0) {
		session_exec(s, "data info");
		session_exec(s, "data show 3");
		session_exec(s, "model gru hidden=4 embed=3; set batch=3 val_every=1; train 2");
		session_exec(s, (b >> 4) & 1 ? "generate 20 temp=0" : "generate 20 prime=\"ab\"");
		session_exec(s, "predict 2");
	}
	session_free(s);
	fuzz_clean();
	return 0;
}
