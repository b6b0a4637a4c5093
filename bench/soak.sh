#!/bin/sh
# soak.sh — long runs whose resident memory must stay flat (`make soak`).
#
#   sh bench/soak.sh batch MINUTES   one `rnnlab --batch -` process fed commands
#                                    for MINUTES: training on every cell, seq2seq,
#                                    char models, save/load, import/export, rewind,
#                                    plots, new runs (more than the 16 kept)
#   sh bench/soak.sh tui MINUTES     the workbench in tmux, trained while a
#                                    script presses keys, switches panes, types
#                                    commands and resizes the window
#   sh bench/soak.sh script ROUNDS   print the batch soak's commands for ROUNDS
#                                    rounds with SOAK_STEPS (1500) steps a round
#                                    (bench/valgrind.sh runs 8 short ones)
#
# VmRSS is sampled every 10 seconds into build/soak-MODE.rss (seconds, KiB;
# SOAK_OUT=DIR puts it elsewhere).  The
# report gives the RSS at the end of the first minute (allocations that are
# made once: OpenBLAS buffers, the datasets, the largest model), at the end,
# the maximum, and the peaks of the second and the last quarter of the run.
# RSS swings with the model of the moment, so the peaks are compared: the
# same cycle of models runs in both quarters, and the run fails when the last
# quarter's peak is more than 8 MiB above the second's (a leak of a few
# hundred bytes per step is a steady climb over half an hour), or when the
# process dies.
set -u
mode=${1:-batch}
minutes=${2:-30}
bin=${RNNLAB_BIN:-./rnnlab}
if [ "$mode" = script ]; then	# the files go to SOAK_DIR, kept
	dir=${SOAK_DIR:?soak.sh script: set SOAK_DIR to a directory for its files}
else
	dir=$(mktemp -d)
	trap 'tmux -L rnnlab-soak kill-server 2>/dev/null; rm -rf "$dir"' EXIT
fi
out=${SOAK_OUT:-build}
mkdir -p "$out"
rss_log=$out/soak-$mode.rss

rss() {	# rss PID: resident set in KiB, empty when gone
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$1"/status 2>/dev/null
}

sampler() {	# sampler PID: append "seconds KiB" every 10 s while PID lives
	t0=$(date +%s)
	while r=$(rss "$1") && [ -n "$r" ]; do
		echo "$(($(date +%s) - t0)) $r" >>"$rss_log"
		sleep 10
	done
}

# One round of the batch soak: round N of the cycle.
batch_round() {
	case $(($1 % 8)) in
	0) echo "data adding T=50; model lstm hidden=64; set log_every=0 val_every=500 checkpoint_every=500" ;;
	1) echo "model gru hidden=64 layers=2 residual=on" ;;
	2) echo "model rnn hidden=64 act=relu init=identity" ;;
	3) echo "data copy delay=20; model gru hidden=64" ;;
	4) echo "data shakespeare seq=64; model lstm hidden=128 embed=32; set batch=32" ;;
	5) echo "data reverse len=12; model seq2seq cell=gru hidden=64 embed=16 attention=dot; set batch=32" ;;
	6) echo "data sine; model lstm hidden=32 layers=2 layernorm=on" ;;
	7) echo "data parity; model gru hidden=32; set optim=rmsprop lr=1e-3" ;;
	esac
	echo "train ${SOAK_STEPS:-1500}"
	echo "eval"
	echo "try grads"
	echo "try gates"
	echo "plot loss"
	echo "try plot flow"
	echo "history 3"
	echo "runs"
	echo "save $dir/soak.npz force"
	echo "load $dir/soak.npz"
	echo "try export $dir/w.npz force"
	echo "try import $dir/w.npz"
	echo "train $(((${SOAK_STEPS:-1500} + 2) / 3))"
	echo "rewind"
	echo "try quantize int8"
	echo "try generate 50"
	echo "try translate \"abcdefghij\""
	echo "history save $dir/h.csv force"
	echo "set optim=adam lr=1e-3 batch=64"
	echo "say round $1 done"
}

soak_batch() {
	mkfifo "$dir/in"
	"$bin" --batch - <"$dir/in" >"$dir/log" 2>&1 &
	pid=$!
	exec 3>"$dir/in"
	sampler "$pid" &
	end=$(($(date +%s) + minutes * 60))
	n=0
	while [ "$(date +%s)" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
		batch_round $n >&3
		# one round ahead at most, so the end comes on time
		while [ $n -gt 0 ] && ! grep -q "^round $((n - 1)) done" "$dir/log" && kill -0 "$pid" 2>/dev/null; do
			sleep 1
		done
		n=$((n + 1))
	done
	echo quit >&3
	exec 3>&-
	wait "$pid"
	st=$?
	echo "soak batch: $n rounds, exit status $st, $(grep -c '^rnnlab: ' "$dir/log") errors"
	grep '^rnnlab: ' "$dir/log" | sort | uniq -c | sort -rn | head -5
	[ "$st" = 0 ] || { tail -5 "$dir/log"; return 1; }
}

soak_tui() {
	command -v tmux >/dev/null || { echo "soak.sh: tmux is needed"; return 1; }
	tmux -L rnnlab-soak kill-server 2>/dev/null
	HOME=$dir tmux -L rnnlab-soak new-session -d -s rnnlab-soak -x 120 -y 40 "$bin"
	sleep 2
	pid=$(tmux -L rnnlab-soak list-panes -t rnnlab-soak -F '#{pane_pid}')
	sampler "$pid" &
	keys() { tmux -L rnnlab-soak send-keys -t rnnlab-soak "$@"; }
	cmd() { keys "$1" Enter; }
	cmd "data adding T=50; model lstm hidden=64; set log_every=100 val_every=200"
	end=$(($(date +%s) + minutes * 60))
	n=0
	while [ "$(date +%s)" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
		case $((n % 6)) in
		0) cmd "train 3000" ;;
		1) cmd "model gru hidden=64"; cmd "train 3000" ;;
		2) cmd "data shakespeare seq=64; model lstm hidden=64 embed=32"; cmd "train 1000" ;;
		3) cmd "data reverse len=10; model seq2seq cell=gru hidden=64 embed=16 attention=dot"; cmd "train 800" ;;
		4) cmd "data adding T=50; model rnn hidden=64"; cmd "break grad > 1e9"; cmd "train 3000" ;;
		5) cmd "break clear"; cmd "train 2000" ;;
		esac
		for k in F2 F3 F4 F5 F6 F7 F1 Escape F2; do
			keys "$k"
			sleep 0.5
		done
		# resizes, including one below the minimum size
		for sz in "80 24" "150 50" "40 10" "100 30" "120 40"; do
			set -- $sz
			tmux -L rnnlab-soak resize-window -t rnnlab-soak -x "$1" -y "$2" 2>/dev/null
			sleep 0.5
		done
		keys P; sleep 1; keys P	# pause and go on
		keys Up Down Tab Tab C-u
		cmd "step t=3"; cmd "gates"; cmd "compare"
		cmd "rewind"
		sleep 5
		n=$((n + 1))
	done
	tmux -L rnnlab-soak capture-pane -p -t rnnlab-soak >"$dir/screen"
	cmd quit
	sleep 2
	alive=0
	kill -0 "$pid" 2>/dev/null && alive=1
	echo "soak tui: $n rounds; the last screen's status line:"
	grep -m1 -E 'step|rnnlab' "$dir/screen" | cut -c1-118
	[ $alive = 0 ] || { echo "soak.sh: the workbench did not quit"; return 1; }
}

case $mode in
script)
	n=0
	while [ $n -lt "$minutes" ]; do batch_round $n; n=$((n + 1)); done
	exit 0 ;;
batch)
	: >"$rss_log"; soak_batch; rc=$? ;;
tui)
	: >"$rss_log"; soak_tui; rc=$? ;;
*) echo "usage: sh bench/soak.sh batch|tui MINUTES | script ROUNDS"; exit 2 ;;
esac
sleep 1
awk -v mode="$mode" '
	{ t[NR] = $1; r[NR] = $2; if ($2 > max) max = $2 }
	END {
		if (NR < 8) { print "soak " mode ": too few RSS samples (" NR ")"; exit 1 }
		for (i = 1; i <= NR && t[i] < 60; i++) ;
		first = r[i]
		q = int(NR / 4)
		for (i = q + 1; i <= 2 * q; i++) if (r[i] > a) a = r[i]
		for (i = NR - q + 1; i <= NR; i++) if (r[i] > b) b = r[i]
		printf "soak %s: %d samples over %d s; RSS after 1 min %.1f MiB, at the end %.1f MiB, max %.1f MiB\n",
		       mode, NR, t[NR], first / 1024, r[NR] / 1024, max / 1024
		printf "soak %s: peak RSS, second quarter %.1f MiB, last quarter %.1f MiB (%+.1f MiB)\n",
		       mode, a / 1024, b / 1024, (b - a) / 1024
		if (b - a > 8192) { print "soak " mode ": FAILED: resident memory grows"; exit 1 }
	}' "$rss_log" || rc=1
exit $rc
