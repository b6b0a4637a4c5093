/* manpage.c — `rnnlab --man`: the manual page (roff, man(7) macros) made
 * from the same tables `help` reads: the command table, the settings, the
 * workbench's keys, the options' usage text.  The build writes rnnlab.1
 * with it, so the page cannot drift from the program. */
#include <stdio.h>
#include <string.h>

#include "frontend.h"
#include "settings.h"

/* Text for roff: backslashes doubled as \e, a leading '.' or '\'' made
 * literal, '-' kept a hyphen-minus (\-) where it is an option or a minus. */
static void roff_text(FILE *f, const char *s)
{
	int bol = 1;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* A help text of lines, filled by roff into one paragraph (its lines'
 * leading spaces dropped). */
static void roff_fill(FILE *f, const char *s)
{
	while (*s) {
		s += strspn(s, " ");
		size_t n = strcspn(s, "\n");
		char line[1024];
		snprintf(line, sizeof line, "%.*s\n", (int)(n < sizeof line - 2 ? n : sizeof line - 2), s);
		roff_text(f, line);
		s += n;
		if (*s == '\n')
			s++;
	}
}

static void section(FILE *f, const char *name)
{
	fprintf(f, ".SH %s\n", name);
}

void manpage(FILE *f, const char *usage_text)
{
	fprintf(f, ".TH RNNLAB 1 \"\" \"rnnlab %s\" \"User Commands\"\n", RNNLAB_VERSION);
	section(f, "NAME");
	fputs("rnnlab \\- a terminal workbench for recurrent neural networks: watch gradients vanish and explode\n", f);
	section(f, "SYNOPSIS");
	fputs(".nf\n", f);
	/* the invocations up to the first blank line; what each does (after two
	 * spaces, or on a line of its own below it) is an entry of OPTIONS */
	enum { MAXINV = 12 };
	char inv_of[MAXINV][300], does[MAXINV][300];
	int ninv = 0;
	for (const char *p = usage_text; *p;) {
		size_t n = strcspn(p, "\n");
		if (!n)
			break;
		char line[300];
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 2 ? n : sizeof line - 2), p);
		const char *inv = strncmp(line, "usage: ", 7) ? line + strspn(line, " ") : line + 7;
		char *desc = strstr(inv, "  ");
		if (desc)
			*desc = '\0';
		if (inv - line <= 7 && *inv) {	/* an invocation */
			roff_text(f, inv);
			fputc('\n', f);
			if (ninv < MAXINV) {
				snprintf(inv_of[ninv], sizeof inv_of[ninv], "%s", inv + (strncmp(inv, "rnnlab ", 7) ? 0 : 7));
				snprintf(does[ninv], sizeof does[ninv], "%s", desc ? desc + 2 + strspn(desc + 2, " ") : "");
				ninv++;
			}
		} else if (ninv && !does[ninv - 1][0]) {	/* the description of the one above */
			snprintf(does[ninv - 1], sizeof does[ninv - 1], "%s", inv);
		}
		p += n + (p[n] == '\n');
	}
	fputs(".fi\n", f);
	section(f, "DESCRIPTION");
	fputs("rnnlab builds RNN, LSTM, GRU and Seq2Seq models at a prompt, trains them on bundled datasets,\n"
	      "steps through their timesteps, and plots gate activations, hidden states and gradient norms\n"
	      "live in the terminal, so that vanishing and exploding gradients can be seen.  Its numbers follow\n"
	      "PyTorch's conventions; weights move to and from PyTorch as .npz state dicts.\n", f);
	section(f, "OPTIONS");
	/* the paragraph after the usage lines: its lines that start with an
	 * option begin an entry, tagged with the option's words (--seed-shift
	 * N, --max-commands N, --max-output MB:); the rest as it is set */
	for (int k = 0; k < ninv; k++) {
		if (!does[k][0])
			continue;
		fputs(".TP\n.B ", f);
		roff_text(f, inv_of[k]);
		fputc('\n', f);
		roff_text(f, does[k]);
		fputs(".\n", f);
	}
	fputs(".PP\n", f);
	const char *opts = strstr(usage_text, "\n\n"), *rest = opts ? strstr(opts + 2, "\n\n") : NULL;
	if (opts) {
		char para[4096];
		snprintf(para, sizeof para, "%.*s", (int)(rest ? rest - opts - 2 : (long)strlen(opts + 2)), opts + 2);
		for (char *p = para; *p;) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			if (p[0] == '-' && p[1] == '-') {
				size_t tag = 0;	/* words that are options or their metavariables */
				for (;;) {
					size_t w = strcspn(p + tag, " ");
					const char *word = p + tag;
					int opt = word[0] == '-', meta = w > 0 && word[0] >= 'A' && word[0] <= 'Z' &&
								 strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_,:") == w;
					if (!w || !(opt || meta))
						break;
					tag += w + (p[tag + w] == ' ');
				}
				char t[128];
				snprintf(t, sizeof t, "%.*s", (int)tag, p);
				size_t tl = strlen(t);
				while (tl && (t[tl - 1] == ' ' || t[tl - 1] == ':'))
					t[--tl] = '\0';
				fputs(".TP\n.B ", f);
				roff_text(f, t);
				fputc('\n', f);
				roff_text(f, p + tag);
			} else {
				roff_text(f, p);
			}
			fputc('\n', f);
			p = nl ? nl + 1 : p + strlen(p);
		}
	}
	if (rest) {
		fputs(".PP\n.nf\n", f);
		roff_text(f, rest + 2);
		fputs(".fi\n", f);
	}
	section(f, "COMMANDS");
	fputs("A line may hold several commands separated by ';'; '#' starts a comment.  Inside rnnlab,\n"
	      "\\fBhelp\\fR \\fICOMMAND\\fR shows the same text.\n", f);
	for (int i = 0; i < cmd_count(); i++) {
		const Command *c = cmd_at(i);
		fputs(".TP\n.B ", f);
		roff_text(f, c->usage);
		fputs("\n", f);
		roff_text(f, c->summary);
		fputs(".\n", f);
		if (c->help)
			roff_fill(f, c->help);
	}
	section(f, "SETTINGS");
	fputs("\\fBset\\fR \\fIKEY\\fR=\\fIVALUE\\fR changes one; \\fBshow config\\fR lists them with their values.\n"
	      "Those marked (live) may change while training runs, from the next step.\n", f);
	for (int i = 0; i < setting_count(); i++) {
		const SettingDef *d = setting_at(i);
		fputs(".TP\n.B ", f);
		roff_text(f, d->key);
		fputs("\n", f);
		roff_text(f, d->help);
		if (d->choices) {
			fputs(" (", f);
			for (int k = 0; k < d->nchoices; k++) {
				roff_text(f, d->choices[k]);
				fputs(k + 1 < d->nchoices ? ", " : ")", f);
			}
		}
		fputs(d->live ? " (live)\n" : "\n", f);
	}
	section(f, "KEYS");
	fputs("In the workbench (F1 shows them too):\n.nf\n", f);
	for (int i = 0; tui_keys[i]; i++) {
		roff_text(f, tui_keys[i]);
		fputc('\n', f);
	}
	fputs(".fi\n", f);
	section(f, "LESSONS");
	fputs("\\fBlesson\\fR lists the bundled lessons, \\fBlesson\\fR \\fIN\\fR (or \\fBrun\\fR \\fIN\\fR) starts one.\n"
	      "They are looked for in $RNNLAB_LESSONS, ./scenarios, scenarios/ beside the binary, and\n"
	      "\\fI" RNNLAB_SHAREDIR "/scenarios\\fR, where make install puts them.\n", f);
	section(f, "FILES");
	fputs(".TP\n.I ~/.rnnlab_history\nthe workbench's command history.\n"
	      ".TP\n.I FILE.autosave\nthe session saved on SIGTERM or SIGHUP, beside the session file it was last\n"
	      "saved to or loaded from;\n.TP\n.I $XDG_STATE_HOME/rnnlab/rnnlab\\-autosave\\-PID.rnnlab\n"
	      "the same for a session that has no file ($XDG_STATE_HOME defaults to ~/.local/state).\n"
	      ".TP\n.I " RNNLAB_SHAREDIR "/scenarios\nthe lessons, and their data under data/.\n", f);
	section(f, "ENVIRONMENT");
	fputs(".TP\n.B NO_COLOR\nno colour.\n"
	      ".TP\n.B TERM\nthe terminal; without a terminfo entry (or dumb) rnnlab uses the plain line mode.\n"
	      ".TP\n.B RNNLAB_DATA\na directory searched first for the bundled data files.\n"
	      ".TP\n.B RNNLAB_LESSONS\na directory searched first for the lessons.\n"
	      ".TP\n.B RNNLAB_FAST\n1: lessons skip their lines marked full (as \\-\\-fast).\n"
	      ".TP\n.B OPENBLAS_CORETYPE\nthe OpenBLAS kernels; without it rnnlab restarts with the core the CPU can run\n"
	      "when OpenBLAS picked a generic one.\n"
	      ".TP\n.B OPENBLAS_NUM_THREADS\nset to 1 by a restart under a memory limit (ulimit \\-v); rnnlab runs OpenBLAS\n"
	      "on one thread anyway and splits batches itself (set threads=N).\n"
	      ".TP\n.B XDG_STATE_HOME\nwhere autosaves go (default ~/.local/state).\n", f);
	section(f, "EXIT STATUS");
	fputs("0 when every command succeeded; 1 when a command or an expect failed, or output could not\n"
	      "be written; 2 for a bad option; 128+N when signal N (SIGINT, SIGTERM, SIGHUP) stopped it.\n", f);
	section(f, "EXAMPLE");
	fputs(".nf\nrnnlab \\-c 'data adding T=60; model lstm hidden=32; train 300; plot flow'\n"
	      "rnnlab \\-\\-batch " RNNLAB_SHAREDIR "/scenarios/02\\-vanishing.lab\n"
	      "rnnlab            # the workbench; then: lesson 4\n.fi\n", f);
	section(f, "SEE ALSO");
	char doc[1100];	/* PREFIX/share/rnnlab -> PREFIX/share/doc/rnnlab */
	snprintf(doc, sizeof doc, "%s", RNNLAB_SHAREDIR);
	char *sl = strrchr(doc, '/');
	if (sl)
		*sl = '\0';
	fputs("The README, ", f);
	roff_text(f, doc);
	fputs("/doc/rnnlab/README.md where rnnlab is installed, README.md in its source.\n", f);
}
