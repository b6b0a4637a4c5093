/* fuzz_csv.c — `data csv FILE` on a user's CSV file.
 *
 * The first byte of the input picks the keys (column, window, horizon,
 * missing, val), the rest is the file.  When the file opens, the dataset
 * is described, shown, and a tiny model trains two steps on it and
 * predicts: that walks every window the reader laid out.
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
	static const char *const column[] = { "", " column=1", " column=2", " column=y" };
	static const char *const window[] = { " window=1", " window=2", " window=5", "" };
	static const char *const missing[] = { "", " missing=interp", " missing=skip", " missing=bogus" };
	const unsigned b = data[0];
	char cmd[256];
	snprintf(cmd, sizeof cmd, "data csv in.csv%s%s%s%s%s", column[b & 3], window[(b >> 2) & 3],
		 (b >> 4) & 1 ? " horizon=2" : "", missing[(b >> 5) & 3], (b >> 7) & 1 ? " val=0.5" : "");
	fuzz_write("in.csv", data + 1, size - 1);
	Session *s = fuzz_session();
	if (session_exec(s, cmd) == 0) {
		session_exec(s, "data info");
		session_exec(s, "data show 3");
		session_exec(s, "model rnn hidden=3; set batch=4 val_every=1; train 2; predict 3; eval");
	}
	session_free(s);
	fuzz_clean();
	return 0;
}
