/* fuzz_lab.c — a lesson script as someone else wrote it: the input is the
 * .lab file, run with session_run_file (the first byte chooses whether to
 * stop at the first error, as `run` does, or to go on, as batch mode
 * with errors allowed would).  The same limits as fuzz_cmd apply.
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
		return -1;
	fuzz_write("lesson.lab", data, size);
	Session *s = fuzz_session();
	session_run_file(s, "lesson.lab", size && (data[0] & 1));
	session_free(s);
	fuzz_clean();
	return 0;
}
