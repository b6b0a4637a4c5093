#!/bin/sh
# tui.sh — the workbench driven like a person uses it: the real binary in
# tmux, keys sent with send-keys, the screen read with capture-pane.
# Run by `make test` with RNNLAB_BIN set; skipped (loudly) without tmux.
bin=$(cd "$(dirname "${RNNLAB_BIN:-./rnnlab}")" && pwd)/$(basename "${RNNLAB_BIN:-./rnnlab}")
if ! command -v tmux >/dev/null 2>&1; then
	echo "tui.sh: tmux is not installed; 0 passed, 1 failed"
	exit 1
fi
run=0
sock=rnnlab-test-$$-$run
tmp=$(mktemp -d)
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0

screen() { tmux -L $sock capture-pane -p -t main; }
# wait_for PATTERN [SECONDS]: poll the screen until grep finds PATTERN
wait_for() {
	i=0
	limit=$(( ${2:-10} * 10 ))
	while [ $i -lt $limit ]; do
		screen >"$tmp/screen" 2>/dev/null
		grep -q -- "$1" "$tmp/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check() {	# check NAME PATTERN [SECONDS]
	if wait_for "$2" "${3:-10}"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: '$2' not on the screen:"
		sed 's/^/    | /' "$tmp/screen"
	fi
}
# check_not NAME PATTERN [SECONDS]: PATTERN is gone from the screen within
# SECONDS (5): a key's effect takes a moment to draw, longer under SAN=1
check_not() {
	i=0
	limit=$(( ${3:-5} * 10 ))
	while :; do
		screen >"$tmp/screen"
		grep -q -- "$2" "$tmp/screen" || break
		i=$((i + 1))
		if [ $i -ge $limit ]; then
			fail=$((fail + 1))
			echo "FAIL: $1: '$2' should not be on the screen"
			return
		fi
		sleep 0.1
	done
	pass=$((pass + 1))
}
keys() { tmux -L $sock send-keys -t main "$@"; }
# signal SIG: send SIG to rnnlab, the pane shell's child
signal() {
	pane=$(tmux -L $sock list-panes -t main -F '#{pane_pid}')
	for p in /proc/[0-9]*; do
		[ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$pane" ] && kill -"$1" "${p#/proc/}"
	done
}
# rnnlab runs in $tmp: ending a session with kill-server is a SIGHUP, and its
# autosave (rnnlab-autosave-PID.rnnlab) must not land in the source tree.
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
start() {	# start COLS ROWS [ARGS]
	cols=$1 rows=$2
	shift 2
	tmux -L $sock kill-server 2>/dev/null
	run=$((run + 1))
	sock=rnnlab-test-$$-$run	# a fresh server each time
	# after rnnlab exits, show its status and whether the terminal is cooked again
	tmux -L $sock new-session -d -x "$cols" -y "$rows" -s main \
		"cd '$tmp' && HOME='$tmp' TERM=xterm-256color ${START_ENV:-} '$abs_bin' $*; echo EXITED \$?; stty -a | tr ' ' '\n' | grep -x -- '-*icanon'; sleep 60"
}

# ---- 120x40: a first screen, a model, training, panes ----
start 120 40
check "first screen says how to start" "data adding T=50"
check "status bar" "rnnlab │ no model"
keys "data adding T=40 n=2000" Enter
keys "model lstm hidden=24" Enter
check "model built" "lstm hidden=24 in=2 layers=1 out=1: 2713 parameters"
check "status shows the model" "│ lstm 24x1 │ adding"
keys "set log_every=25" Enter "train 50" Enter
check "training finished in the log" "step     50  loss .*done" 30
check "status bar shows the step" "│ step 50 │ loss"
check "train pane: loss plot" "mse loss"
keys F3
check "flow pane" "||dL/dh_t|| at step 50"
check "flow pane: spectral radius" "spectral radius of W_hh"
check "flow pane: what saturated means" "saturated: σ<.05, σ>.95,"
check "flow pane at 120x40: the eigenvalues against the unit circle" "eigenvalues of W_hh now, layer 0, g block"
keys "plot jacobian sample=2" Enter
check "plot jacobian opens the plot pane (F8)" "step Jacobians of sequence 2, layer 0"
keys "plot states samples=3" Enter
check "plot states: the plot pane shows it" "h_t of sequences 0-2, layer 0, on 2 principal components"
keys "landscape points=11" Enter
check "landscape opens the plot pane: the loss along the gradient" "loss along grad on [0-9]* validation examples (step 50)"
check "the weights are marked on it" "●"
check "where one update lands, in the log" "one update from here"
keys F3
check "and their radius and norm" "radius [0-9.]*  norm [0-9.]*  [0-9]*/24 outside"
screen >"$tmp/flow50"
keys "train 50" Enter
check "more training" "│ step 100 │" 30
check "flow pane follows training" "||dL/dh_t|| at step 100"
screen >"$tmp/flow100"
if cmp -s "$tmp/flow50" "$tmp/flow100"; then
	fail=$((fail + 1)); echo "FAIL: the flow pane did not change after training"
else
	pass=$((pass + 1))
fi
# plot NAME in the workbench: a pane, not rows printed into the log strip
keys "plot sat" Enter
check "plot sat opens the plot pane (F8)" "saturated units at step 100"
check_not "in place of the flow pane" "spectral radius of W_hh"
keys "plot lr" Enter
check "plot lr with a constant rate: one line" "learning rate 0.001 at every step (100 of them): constant"
keys F3
# the radius is of the weights now: a new model at the same step count shows its own
keys "model rnn hidden=64; train 1" Enter
check "radius of a new model" " 0: 0\.[0-9]" 20
keys "model rnn hidden=64 radius=3; train 1" Enter
check "radius follows a new model at the same step" " 0: [23]\.[0-9]*" 20
keys "prune 99%" Enter
check "radius follows weights changed without a step (prune)" " 0: [01]" 20
keys "model lstm hidden=24; train 2" Enter
check "back to an lstm" "│ lstm 24x1 │" 20
keys F4
check "gates pane" "f (forget gate)"
keys F5
check "step pane" "t=1 of 40"
keys Right Right Right
check "Right moves t" "t=4 of 40"
check "the equation with numbers" "c = f\*c_t-1 + i\*g = "
keys F1
check "help overlay" "pause / resume training"
keys x
check_not "a key closes help" "pause / resume training"
keys "view train" Enter
check "view command switches panes" "mse loss"

# ---- pause and stop ----
keys "train 100000" Enter
check "training runs" "TRAINING" 10
keys P
check "P pauses" "PAUSED"
keys P
check "P resumes" "TRAINING"
keys Escape
check "Esc stops after the current step" "train: stopped (Esc) at step"
check_not "no longer training" "TRAINING"
keys "train 100000" Enter
check "training again" "TRAINING"
keys C-c
check "Ctrl-C stops too" "train: stopped at step"
# a typed line whose train starts a job: the rest runs when it has done its steps
keys "train 3; model rnn hidden=5; train 2" Enter
check "the commands after a train wait for it, then run" "│ rnn 5x1 │.*│ step 2 │" 20
keys "train 100000; model lstm hidden=24" Enter
check "training" "TRAINING" 10
keys Escape
check "a train stopped early takes the rest of its line with it" "the rest of the line was not run: its train stopped early"
check_not "the model after it was not built" "│ lstm 24x1 │"
keys "model lstm hidden=24; train 2" Enter
check "back to the lstm" "│ lstm 24x1 │.*│ step 2 │" 20
# the pace of a live demo: at most N steps a second, one step at a time while paused
keys "set pace=4" Enter "train 40" Enter
check "set pace=4: the status says the pace" "TRAINING [0-9]*/40 at 4/s"
sleep 1
check_not "at 4 steps a second, not 40 in a second" "TRAINING [1-3][0-9]/40\|TRAINING 40/40"
keys p
sleep 0.5
check_not "a small p starts a command (plot, probe...): it does not pause" "PAUSED" 2
keys C-u P
check "paused, n offered" "PAUSED [0-9]*/40 (N: one step)"
n0=$(screen | sed -n 's/.*PAUSED \([0-9]*\)\/40.*/\1/p' | head -1)
keys N
check "n: exactly one step, still paused" "PAUSED $((n0 + 1))/40"
keys "set clip=0" Enter
check_not "set clip while paused is taken" "set: clip cannot change"
keys "set batch=4" Enter
check "set batch while training: one line naming what can change" "batch cannot change while training runs (Esc stops it); these can"
keys Escape "set pace=0" Enter
keys "model show" Enter
check "the model is intact and the prompt answers" "rnn.weight_hh_l0"
keys "gates" Enter
check "gates opens the gates pane" "i (input gate)"
check_not "in place of the train pane (not printed into the log)" "mse loss"
keys "compare" Enter
check "compare opens the compare pane" "loss of the runs on adding"
check_not "in place of the gates pane" "i (input gate)"
keys "compare flow" Enter
check "compare flow: the top layer's gradient flow of the runs" "||dL/dh_t|| (top layer) of the runs"
keys C
check "C on the compare pane, from the flow: the training loss" "training loss of the runs"
keys C
check "C: the validation loss" "validation loss of the runs"
keys C
check "C: the gradient norm" "gradient norm of the runs"
keys C
check "C: the flow again (each of the four once a round)" "||dL/dh_t|| (top layer) of the runs"
keys "compare grad runs=1" Enter
check "compare grad runs=1" "gradient norm of the runs"
keys "compare bogus" Enter
check "compare: a bad word is one line saying what is allowed" "compare: unknown 'bogus' (compare loss|val|grad|flow"
keys F2
check "F2: the learning rate, constant, on one line" "learning rate 0.001, constant"
keys L
check "L on the train pane: the loss on a log scale" "loss on a log scale; L: linear"
keys "plot loss" Enter
check "plot loss in the workbench: the train pane, linear again" "L: loss on a log scale)"
keys "gates unit=max" Enter
check "gates unit=max: the most open forget gate's unit, as lines" "lstm unit [0-9]* (most open f), layer 0 of 1, sequence 0"
check "the gates pane says the layer and sequence shown" "layer 0/1 \[ \]   sequence 0/"
keys Down
check "Down: the next unit's lines" "lstm unit [0-9]*, layer 0 of 1"
keys U
check "u: back to the heatmaps" "G: next gate   U: one unit's lines"
keys U
check "u: a unit's lines again" "unit Up/Down   U: heatmaps"
keys "grads" Enter
check "a command starting with g runs with the gates pane open" "head.bias  "
check_not "its g was not taken for the pane's key" "rads: unknown command" 2
keys "step t=5 unit=2" Enter
check "step t=N opens the step pane there" "lstm  t=5 of .*unit 2/24"
keys Right
check "and the arrows go on from there" "lstm  t=6 of .*unit 2/24"
keys End
check "End: the last step" "lstm  t=40 of 40"
keys Home
check "Home: the first step" "lstm  t=1 of 40"
keys F2

# ---- errors stay one line and change nothing ----
keys "set optim=adma" Enter
check "one-line error" "set: unknown optimizer 'adma' (choices: sgd, momentum"

# ---- resize ----
tmux -L $sock resize-window -t main -x 60 -y 20
check "too small says so" "terminal too small: 60x20, rnnlab needs 80x24"
tmux -L $sock resize-window -t main -x 80 -y 24
check "recovers at 80x24" "F2 train"
check "status at 80x24" "rnnlab │ lstm 24x1"
# too narrow for every field: lr and tok/s give way, no field is cut
check "status drops whole fields" "^ rnnlab │ lstm 24x1 │ adding │ step [0-9]* │ loss [^│]* │ |g| [0-9.e+-]* *$"
tmux -L $sock resize-window -t main -x 120 -y 40

# ---- history and completion ----
keys "mod" Tab
check "tab completes commands" "rnnlab> model"
keys C-u "quit" Enter
check "quit with trained steps not saved asks once" "quit: step [0-9]* of this run is not saved; quit again to leave"
check_not "and does not leave yet" "EXITED"
keys "quit" Enter
check "quit again exits cleanly" "EXITED 0"
check "terminal restored (canonical mode)" "^icanon$"

# ---- 80x24 from the start, a breakpoint, history across runs ----
start 80 24
check "starts at 80x24" "F2 train"
keys Up
check "history persists across runs" "rnnlab> quit"
keys C-u "data adding T=30 n=1000; model rnn hidden=16 radius=3; set log_every=1; train 3" Enter
check "three steps" "step      3  loss" 20
keys "break grad > 10; train 200" Enter
check "a breakpoint stops before the update and shows the step pane" "break 1 (grad > 10) before step 4 (not applied" 30
check "the step pane is shown" "rnn  t=.* of 30"
keys "plot eigen" Enter
check "80x24: plot eigen in the plot pane" "radius [0-9.]*  norm [0-9.]*  [0-9]*/16 outside"
keys "plot jacobian" Enter
check "80x24: plot jacobian" "product J_T..J_t+1"
keys "plot states samples=2" Enter
check "80x24: plot states" "PC1 [0-9]*%  PC2 [0-9]*% of the variance"
keys "landscape dir=grad dir2=random points=11" Enter
check "80x24: the landscape over a plane in the plot pane" "log10 loss on the plane of grad and random"
check "80x24: its axes" "alpha (grad)"
check "80x24: rows labelled with beta, not indices" "^ *-0\.[0-9]\( \|$\)"
keys F2 "plot loss" Enter
check "a plot in the log" "^ *└[─┬]"
check_not "fits 80 columns (no piece of its axis wrapped onto a row of its own)" "^[─┬]\{1,60\} *$"
keys "save $tmp/small.rnnlab" Enter "quit" Enter
check "quit at 80x24, saved: at once" "EXITED 0"

# ---- issue 17's pictures at 80x24 too: compare flow of three cells, one ----
# ---- unit's gates, the loss on a log scale, the pace and one step        ----
start 80 24
keys "data adding T=30 n=600; set log_every=0; model rnn hidden=16; train 1; model lstm hidden=16; train 1; model gru hidden=16; train 1; compare flow log" Enter
check "80x24: compare flow of rnn, lstm and gru" "||dL/dh_t|| (top layer) of the runs at step 1" 30
check "80x24: each run labelled apart" "rnn  .*lstm  .*gru"
keys "gates unit=max" Enter
check "80x24: gates unit=max, the unit's lines" "gru unit [0-9]* (most open z), layer 0 of 1, sequence 0"
keys "train 30" Enter
check "80x24: trained on" "│ step 31 │" 30
keys F2 L
check "80x24: L, the loss on a log scale" "loss on a log scale; L: linear"
keys "set pace=5" Enter "train 20" Enter
check "80x24: the pace in the status" "TRAINING [0-9]*/20 at 5/s"
keys P
check "80x24: paused, n offered" "PAUSED [0-9]*/20 (N: one step)"
n0=$(screen | sed -n 's/.*PAUSED \([0-9]*\)\/20.*/\1/p' | head -1)
keys N
check "80x24: n, exactly one step" "PAUSED $((n0 + 1))/20"
keys Escape
check "80x24: Esc stops the paced training" "train: stopped (Esc) at step"
keys C-u "train 2; save $tmp/p17.rnnlab; quit" Enter
check "80x24: a line that trains, saves and quits leaves when its train is done" "EXITED 0" 20

# ---- a lesson's pause: the panes can be looked at, Space goes on ----
cat >"$tmp/pause.lab" <<LAB
data adding T=20 n=400
model gru hidden=8
train 5
pause "look at the flow"
say "after the pause"
LAB
start 100 30 "$tmp/pause.lab"
check "the pause says how to go on" "Space goes on; F2..F8"
keys F3
check "F3 at a pause shows the flow pane" "dL/dh_t"
check_not "a pane key does not go on" "after the pause"
keys x Enter
check "Enter goes on" "after the pause"
check_not "typing at a pause started no command" "x: unknown command"

# ---- the lessons, from another directory: listed, started by number, in parts ----
# (rnnlab runs in $tmp; the lessons are found beside the binary, or, for the
# sanitizer build in build/san, where RNNLAB_LESSONS says)
case "$bin" in */san/*) lessons_env="RNNLAB_LESSONS='$(pwd)/scenarios'" ;; *) lessons_env= ;; esac
START_ENV=$lessons_env start 80 24
check "the first screen lists the lessons, with their length" "1  16 min  Meet the RNN"
check "and says how to start one" "lesson N starts one"
keys "lesson 14" Enter
check "lesson 14: the status names the lesson and its part" "lesson 14, part 1/8"
check "its narration in sight, over the log" "Lesson 14: make the model small" 20
check "the narration up to the pause" "How much worse do you expect it" 180
keys Space
check "Space: the next part" "lesson 14, part 2/8"
check_not "the last part's narration is gone" "Lesson 14: make the model small"
keys Escape
START_ENV=

# ---- a stranger's lesson title reaches the first screen made safe ----
mkdir -p "$tmp/les"
printf '# 01 \342\200\224 A title \033[31mred\007 here\n' >"$tmp/les/01-evil.lab"
START_ENV="RNNLAB_LESSONS='$tmp/les'" start 80 24
check "a lesson title's control characters are shown as ?" "1   4 min  A title ?\[31mred? here"
START_ENV=

# ---- seq2seq: plot eigen part=dec in the plot pane (F8), kept when it comes back ----
start 100 30
keys "data reverse len=8 n=100; model seq2seq cell=gru hidden=8 embed=4; plot eigen part=dec" Enter
check "seq2seq: plot eigen part=dec opens the plot pane" "eigenvalues of the decoder's W_hh now, layer 0, n block"
keys F2
check_not "seq2seq: F2 leaves the plot pane" "eigenvalues of the decoder's W_hh"
keys F8
check "seq2seq: F8 shows the decoder's again" "eigenvalues of the decoder's W_hh now, layer 0, n block"

# ---- SIGTERM while training: terminal restored, the session saved ----
start 100 30
keys "data adding T=20 n=400; model gru hidden=16; save $tmp/tui.rnnlab; train 100000000" Enter
check "training before SIGTERM" "TRAINING" 20
signal TERM
check "SIGTERM: status 128+15" "EXITED 143"
check "SIGTERM: terminal restored (canonical mode)" "^icanon$"
if [ -s "$tmp/tui.rnnlab.autosave" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: SIGTERM: no autosave beside the session ($tmp/tui.rnnlab.autosave)"; fi

# ---- Esc and Ctrl-C stop a running script, not only its training (issue 16, item 4) ----
cat >"$tmp/long.lab" <<'LAB'
data adding T=20 n=400
model gru hidden=16
train 100000000
say "the line after the train"
LAB
start 100 30 "$tmp/long.lab"
check "a script trains" "TRAINING" 20
keys Escape
check "Esc stops the script" "the script was stopped (Esc)"
sleep 0.5
check_not "the script did not go on" "the line after the train"
cat >"$tmp/pause.lab" <<'LAB'
say "before the pause"
pause
say "after the pause"
LAB
start 100 30 "$tmp/pause.lab"
check "a lesson's pause" "Space goes on"
keys Escape
check "Esc at a pause stops the lesson" "the script was stopped (Esc)"
check_not "nothing after the pause ran" "after the pause"
# Esc while a script runs commands that are not training (the workbench crashed: the
# script it had found ready was gone when it read the next line)
{ echo 'data sine; model lstm hidden=16'; for i in $(seq 3000); do echo 'say "x"'; echo eval; done; } >"$tmp/flat.lab"
start 100 30 "$tmp/flat.lab"
check "a script of evals runs" "eval: validation mse" 20
keys Escape
check "Esc stops a script between its commands" "the script was stopped (Esc)"
keys "quit" Enter
check "and the workbench is alive to quit" "EXITED 0"
# Esc stops a gradcheck between two of its entries
start 100 30
keys "data sine; model lstm hidden=128; train 1; gradcheck 100000" Enter
check "the status says what runs, and how to stop it" "busy: gradcheck (Esc stops)" 20
keys x
sleep 0.3
keys Escape
check "Esc stops the gradcheck, behind a key typed before it" "gradcheck: stopped after [0-9]* entries; the weights are as they were" 20
check "and that key waits its turn at the prompt" "rnnlab> x"

# ---- --log never replaces a file that is not an rnnlab log ----
printf 'say "my lesson"\n' >"$tmp/mine.lab"
start 100 30 --log "$tmp/mine.lab" "$tmp/mine.lab"
check "--log refuses a lesson" "mine.lab exists and is not an rnnlab log"
check "--log refused: status 2" "EXITED 2"
if grep -q 'my lesson' "$tmp/mine.lab"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --log overwrote a lesson"; fi

# ---- a terminal without a terminfo entry: the plain line, and one line why (issue 16, item 14) ----
START_ENV="TERM=nosuchterm-kitty" start 100 30
check "no terminfo: says why" "the terminal 'nosuchterm-kitty' has no terminfo entry here"
check "no terminfo: the plain prompt" "^rnnlab>"
keys "say still here" Enter
check "no terminfo: commands run" "^still here"
keys "quit" Enter
check "no terminfo: quit" "EXITED 0"

# ---- a sweep stops on Esc, and on SIGTERM, which saves the session (issue 16, item 6) ----
# one run after another (jobs=1), and in worker processes (issue 19): Esc and
# SIGTERM stop every worker, none outlives the sweep, nor its directory
mkdir -p "$tmp/w"
no_workers() {	# no_workers NAME
	sleep 0.3
	if pgrep -f "$tmp/w/rnnlab-sweep" >/dev/null || [ -n "$(find "$tmp/w" -mindepth 1)" ]; then
		fail=$((fail + 1)); echo "FAIL: $1: a worker or its directory outlived the sweep"; ps -ef | grep "$tmp/w/"
	else
		pass=$((pass + 1))
	fi
}
START_ENV="TMPDIR=$tmp/w" start 100 30
keys "data adding T=20 n=400; model gru hidden=16; set log_every=0 jobs=1; sweep hidden=8,16,24 steps=10000000" Enter
check "a sweep trains" "sweep 1/3" 20
sleep 1
keys Escape
check "Esc stops the sweep" "sweep: stopped after 1 of 3 runs" 20
check_not "no rows of nan" "  *nan  *nan"
keys "set jobs=2; sweep hidden=4,8,12 steps=10000000" Enter
check "a parallel sweep: a worker, from the end of the grid" "sweep 2/3: hidden=8 (a worker)" 20
check "a parallel sweep: the last run here" "sweep 3/3: hidden=12 (here)" 20
sleep 1
keys Escape
check "Esc stops the workers" "sweep: stopped; 0 of 3 runs had finished, the others were stopped" 20
no_workers "Esc"
keys "sweep hidden=5,6 steps=300" Enter
check "the screen follows the workers" "sweep 1/2: hidden=5 done, best val" 30
check "... and the table comes" "^  hidden=6  *[0-9]" 30
keys "save $tmp/sweep.rnnlab; sweep hidden=8,16 steps=10000000" Enter
check "a second sweep" "sweep 1/2: hidden=8 (a worker)" 20
sleep 1
signal TERM
check "SIGTERM during a sweep: status 143" "EXITED 143" 20
if [ -s "$tmp/sweep.rnnlab.autosave" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: SIGTERM during a sweep: no autosave"; fi
no_workers "SIGTERM"

# ---- --plain: SIGTERM saves the session and exits 143 (issue 16, item 7) ----
start 100 30 --plain
check "plain prompt" "^rnnlab>"
keys "data adding T=20 n=400; model gru hidden=16; save $tmp/plain.rnnlab; train 100000000" Enter
sleep 1
signal TERM
check "plain, SIGTERM: status 143" "EXITED 143"
if [ -s "$tmp/plain.rnnlab.autosave" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: plain, SIGTERM: no autosave beside the session"; fi
start 100 30 --plain
check "plain prompt again" "^rnnlab>"
signal TERM
check "plain, SIGTERM at the prompt: status 143" "EXITED 143"

# ---- a lesson's `try train` in the workbench: the job's failure is the try's ----
cat >"$tmp/try.lab" <<'LAB'
data adding T=50 n=500
set seed=1 batch=32 log_every=0 val_every=0
model rnn hidden=32 act=relu radius=3
set optim=sgd lr=0.1 clip=0
try train 50
expect error "not finite"
say "after the try"
LAB
start 100 30 "$tmp/try.lab"
check "try train: the failure recorded as the try's" "(as expected?) train: step [0-9]*: the"
check "expect error sees the workbench job's failure" "ok: the last .try. failed with \"not finite\""
check "the script went on" "after the try"
check_not "the script did not stop" "script stopped"

# ---- distill in the workbench: a job run in slices, like train ----
start 120 40
keys "data order T=20 n=600; set seed=2 log_every=0 val_every=10; model lstm hidden=24; train 20" Enter
check "the teacher trained" "│ lstm 24x1 │.*│ step 20 │" 30
keys "distill hidden=8 steps=100000" Enter
check "distill runs as a job" "DISTILLING [0-9]*/100000" 10
check "the student is the current model" "│ lstm 8x1 │"
keys "set lr=0.1" Enter
check "set while distilling: only what changes no number" "set: lr cannot change while distill runs"
keys Escape
check "Esc stops it" "distill: stopped (Esc) at step"
check "then its report: both students at that step" "distillation gains"
check_not "no longer distilling" "DISTILLING"
keys "runs" Enter
check "runs: the teacher, the student alone, the distilled one" "lstm hidden=8 distilled"
keys "model show" Enter
check "model show says where the model came from" "distilled from lstm hidden=24"
keys "compare val" Enter
check "compare: the teacher's and both students' runs" "validation loss of the runs"
keys "distill hidden=4 steps=5; model gru hidden=6" Enter
check "a line after distill waits for it, then runs" "│ gru 6x1 │" 20
check "the distill of a distilled student: its table" "teacher  lstm 8x1  *612 .*"
keys "quit" Enter "quit" Enter
check "quit" "EXITED 0"

# ---- the engine, after a restart onto the CPU's BLAS core (platform.h) ----
START_ENV="RNNLAB_BLAS_PRETEND=Prescott" start 100 30
check "the workbench starts after the restart" "rnnlab │ no model"
keys "show engine" Enter
check "show engine: the core rnnlab chose" "(chosen by rnnlab; OpenBLAS picked Prescott)\\|CPU  *SSE"
check "show engine: the flush mode" "floats  *subnormals flushed to zero"
keys "quit" Enter
check "quit after the restart: status 0" "EXITED 0"

# ---- a seq2seq model in the flow, gates and step panes (issue 23) ----
start 120 40
keys "data reverse len=8 n=400; model seq2seq cell=lstm hidden=16 embed=8 attention=dot; train 3" Enter
check "seq2seq trained" "│ step 3 │" 30
keys F3
check "F3: both halves on one axis" "||dL/dh_t|| at step 3: encoder t=1..8, decoder t=9..17"
check "F3: the encoder's gradient split by path" "through attention"
check "F3: the boundary between the halves" "encoder  ┊ decoder"
keys F4
check "F4: the encoder's gates, and E names the other half" "encoder (E: decoder)"
check "F4: titled with the half" "i (input gate), encoder"
keys E
check "F4: E switches to the decoder" "decoder (E: encoder)"
keys F5
check "F5: the decoder's steps" "lstm decoder  t=1 of 9"
check "F5: where the decoder step looked" "a_t  .*over the source: most on s="
keys E
check "F5: E back to the encoder" "lstm encoder  t=1 of 8"
keys "step part=dec t=9" Enter
check "step part=dec t=9" "lstm decoder  t=9 of 9"

# ---- a long step answers keys, and Esc stops it from inside (issue 19) ----
start 120 40
keys "data adding T=1000 n=100; set batch=32 log_every=1 val_every=0; model lstm hidden=256; train 100" Enter
check "inside a long step the status bar says where it is" "in the step: \(forward\|backward\) t=[0-9]*/1000, layer 0 (Esc stops)" 30
keys Escape
check "Esc stops the step from inside it, nothing of it applied" "train: step [0-9]*: stopped inside it; nothing of it applied, the weights as before it; the next train starts with its batch" 10
check_not "and the status bar no longer says it is inside one" "in the step:"

# ---- colour (issue 21): the maps' scales are ordered ramps in 256 and
# 24-bit colour, blue-white-red for signed values, eight colours as asked,
# shades without colour; capture-pane -e shows the escapes the cells have ----
esc=$(printf '\033')
# scale_codes: the SGR codes (without ESC[) of the cells of the first colour
# scale on the screen (between the first ▕ and the ▏ after it), one a line
scale_codes() {
	tmux -L $sock capture-pane -e -p -t main | grep -m1 '▕' | sed 's/▏.*//; s/.*▕//' |
		grep -o "$esc\[[0-9;]*m" | tr -d "$esc["
}
# the 256-colour numbers (48;5;N) or the 24-bit green (48;2;R;G;B) of the scale
scale_256() { scale_codes | sed -n 's/^48;5;\([0-9]*\)m$/\1/p'; }
scale_green() { scale_codes | sed -n 's/^48;2;[0-9]*;\([0-9]*\);[0-9]*m$/\1/p'; }
# in_order WANT: stdin's numbers all in WANT's order (repeats allowed), at
# least MIN (default 8) different ones
in_order() {
	awk -v want="$1" -v min="${2:-8}" 'BEGIN { n = split(want, w, " "); j = 1 }
		{ while (j <= n && w[j] != $1) j++; if (j > n) bad = 1; if ($1 != last) k++; last = $1 }
		END { exit bad || k < min }'
}
# rising: stdin's numbers never fall, start under 40 and end over 200 (viridis's green)
rising() { awk 'NR == 1 { first = $1 } { if ($1 < last) bad = 1; last = $1; n++ } END { exit bad || n < 10 || first > 40 || last < 200 }'; }
# check_cmd NAME CMD...: CMD succeeds within 5 s (the pane takes a moment to draw)
check_cmd() {
	name=$1
	shift
	i=0
	while ! "$@"; do
		i=$((i + 1))
		if [ $i -ge 50 ]; then
			fail=$((fail + 1))
			echo "FAIL: $name; the screen's escapes:"
			tmux -L $sock capture-pane -e -p -t main | cat -v | sed 's/^/    | /' | head -40
			return
		fi
		sleep 0.1
	done
	pass=$((pass + 1))
}
viridis_256="53 54 24 30 36 71 42 77 113 148 184 220"	# numpy's, as in test_colormap.c
no_colour_codes() { ! tmux -L $sock capture-pane -e -p -t main | grep -q "\(\[\|;\)\([34][0-7]\|[34]8;\)[0-9;]*m"; }
shades_scale() { tmux -L $sock capture-pane -p -t main | grep -m1 '▕' | grep -q '▕ *░*▒*▓*█*▏'; }
legend_256() { scale_256 | in_order "$viridis_256"; }
legend_24() { scale_green | rising; }
legend_8() { scale_codes | sed -n 's/^\(4[0-7]\)m$/\1/p' | in_order "44 46 42 43" 4; }
# RdBu: blue (b > r) at the low end, red (r > b) at the high end
legend_rdbu() {
	scale_codes | sed -n 's/^48;2;\([0-9]*\);[0-9]*;\([0-9]*\)m$/\1 \2/p' |
		awk 'NR == 1 { lo = $2 > $1 } { hi = $1 > $2; n++ } END { exit !(lo && hi && n >= 10) }'
}

START_ENV="COLORTERM=truecolor" start 100 30
keys "data adding T=30 n=300; model lstm hidden=12; set log_every=0; train 5" Enter
check "truecolor: trained" "│ step 5 │" 20
keys F4
check "truecolor: gates pane" "i (input gate)"
check_cmd "truecolor: the input gate's scale is viridis in 24-bit colour, rising" legend_24
n=$(tmux -L $sock capture-pane -e -p -t main | grep -o "48;2;" | wc -l)
[ "$n" -ge 60 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: truecolor: the map's cells are 24-bit ($n codes)"; }
keys G G
check "truecolor: the candidate's map" "g (candidate)"
check_cmd "truecolor: g's scale is blue to red (RdBu)" legend_rdbu
keys G G G F3
check "truecolor: the flow pane" "||dL/dh_t|| at step 5"
keys F4
check_cmd "truecolor: back on the gates, the colours are exact again" legend_24
tmux -L $sock resize-window -t main -x 120 -y 36
check "truecolor: resized" "F8 plot  *F1 help"
check_cmd "truecolor: after a resize too" legend_24
keys "show colour" Enter
check "truecolor: show says which colours and why" "colour  *24-bit colour (truecolor): colour=auto, COLORTERM=truecolor"
keys "set colour=256" Enter
check_cmd "set colour=256: the scale is viridis's nearest xterm colours, in order" legend_256
keys "set colour=8" Enter
check_cmd "set colour=8: the scale runs blue, cyan, green, yellow" legend_8
keys "set colour=none" Enter
check_cmd "set colour=none: shades" shades_scale
check_cmd "set colour=none: no colour escapes at all" no_colour_codes
keys "set colour=nine" Enter
check "set colour=nine: one line saying what is allowed" "set: unknown colour 'nine' (choices: auto, truecolor, 256, 8, none)"
keys "set colour=auto; data reverse len=8 n=100; model seq2seq cell=gru hidden=8 embed=4 attention=dot; train 2; translate \"abc\"" Enter
keys F7
check "truecolor: the attention pane" "attention a_ts"
check_cmd "truecolor: the attention map's scale is viridis, rising" legend_24
START_ENV=

# ---- every pane at 80x24, 100x30 and 160x50, in unicode, --ascii and NO_COLOR ----
# What the lessons refer to is on the screen (the shrink factor, the ratio over
# the sequence, the gate values, all of the help), and no number is cut: no
# ellipsis touches a digit, on any pane.
for size in "80 24" "100 30" "160 50"; do
	for mode in unicode ascii nocolor; do
		args= env=
		[ $mode = ascii ] && args=--ascii
		[ $mode = nocolor ] && env="NO_COLOR=1"
		START_ENV="$env" start $size $args
		keys "data adding T=40 n=600; model lstm hidden=24 layers=2; set log_every=0; train 4" Enter
		check "$size $mode: trained" "│ step 4 │\|| step 4 |" 20
		keys "step t=20 unit=5" Enter
		check "$size $mode: step pane, the shrink factor" "\(shrank\|grew\) by x[0-9]"
		check "$size $mode: step pane, the ratio over the sequence" "over the sequence: \|dL/dh_1 / dL/dh_40 = "
		check "$size $mode: step pane, the gate values" "^ *f = .* = *-\{0,1\}0\.[0-9][0-9][0-9][0-9]"
		# a cut is … in unicode and a . in --ascii: neither may touch a number
		cut="[0-9]…\|…[0-9]"
		[ $mode = ascii ] && cut="[0-9]\.[0-9]*\.\( \|$\)"
		check_not "$size $mode: step pane, no number cut" "$cut"
		keys F3
		check "$size $mode: F3 flow pane" "||dL/dh_t|| at step 4"
		check_not "$size $mode: F3, no number cut" "$cut"
		keys F4
		check "$size $mode: F4 gates pane" "(input gate)"
		check_not "$size $mode: F4, no number cut" "$cut"
		case $mode in	# TERM=xterm-256color, no COLORTERM: 256 colours; else none
		unicode) check_cmd "$size $mode: F4, the scale is viridis in 256 colours, in order" legend_256 ;;
		nocolor) check_cmd "$size $mode: F4, the scale is shades" shades_scale
			 check_cmd "$size $mode: F4, no colour escapes" no_colour_codes ;;
		ascii)	 check_cmd "$size $mode: F4, no colour escapes" no_colour_codes ;;
		esac
		keys F6
		check "$size $mode: F6 compare pane" "loss of the runs\|compare"
		check_not "$size $mode: F6, no number cut" "$cut"
		keys "plot eigen" Enter
		check "$size $mode: F8 plot pane, the eigenvalues" "eigenvalues of W_hh now, layer 0"
		check "$size $mode: F8, the radius and norm under the plane" "radius [0-9.]*  norm [0-9.]*  [0-9]*/[0-9]* outside"
		keys F2 F1
		check "$size $mode: all of the help" "quit  *leave"
		keys q
		keys C-u "quit" Enter "quit" Enter
		check "$size $mode: quit" "EXITED 0"
	done
done

echo "tui.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
