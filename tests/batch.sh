#!/bin/sh
# batch.sh — the real binary in batch mode: output, errors naming the script
# line, and exit statuses.  Run by `make test` with RNNLAB_BIN set.
bin=${RNNLAB_BIN:-./rnnlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() {	# check NAME EXPECTED_STATUS GREP_PATTERN FILE
	if [ "$2" = "$st" ] && grep -q -- "$3" "$4"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1 (status $st, want $2; looked for '$3' in:)"
		sed 's/^/    /' "$4"
	fi
}

"$bin" --help >"$tmp/out" 2>&1; st=$?
check "--help" 0 "rnnlab --batch FILE" "$tmp/out"
if LC_ALL=C awk 'length > 79 { bad = 1 } END { exit !bad }' "$tmp/out"; then
	fail=$((fail + 1)); echo "FAIL: --help has lines wider than 79 columns"; else pass=$((pass + 1)); fi

"$bin" --version >"$tmp/out" 2>&1; st=$?
check "--version" 0 "^rnnlab [0-9]" "$tmp/out"
mkdir -p "$tmp/dd"
RNNLAB_DATA=$tmp/dd "$bin" --version >"$tmp/out" 2>&1; st=$?
check "--version names RNNLAB_DATA, looked in first" 0 "^data:    $tmp/dd (RNNLAB_DATA) first, then the bundled files$" "$tmp/out"
check "--version names the bundled files' directory too" 0 "^bundled: .*scenarios/data$" "$tmp/out"

# The engine: BLAS core and subnormal mode (platform.h).  RNNLAB_BLAS_PRETEND
# makes rnnlab take OpenBLAS's pick to be the generic Prescott core, as
# Debian's 0.3.21 does on CPUs newer than itself: rnnlab restarts once with
# the core of the CPU's instruction set, arguments and stdin intact.
( unset OPENBLAS_CORETYPE RNNLAB_BLAS_DETECTED
  "$bin" --version >"$tmp/out" 2>&1; st=$?
  grep -q "^floats: subnormals flushed to zero" "$tmp/out" && grep -q "^BLAS:   OpenBLAS [0-9]" "$tmp/out" || st=9
  if [ "$(sed -n 's/^CPU: *//p' "$tmp/out")" = SSE ]; then exit "$st"; fi	# nothing better to choose
  RNNLAB_BLAS_PRETEND=Prescott "$bin" -c 'set seed=5; show config; show engine' >"$tmp/out2" 2>&1 || st=8
  grep -q "^  seed  *5 " "$tmp/out2" && grep -q "OpenBLAS picked Prescott" "$tmp/out2" || st=7
  grep -q "core  *Prescott" "$tmp/out2" && st=6
  printf 'show engine\n' | RNNLAB_BLAS_PRETEND=Prescott "$bin" --batch - >"$tmp/out3" 2>&1 || st=5
  grep -q "chosen by rnnlab; OpenBLAS picked Prescott" "$tmp/out3" || st=4
  exit "$st" ) >"$tmp/out" 2>&1; st=$?
cat "$tmp/out2" "$tmp/out3" >>"$tmp/out" 2>/dev/null
check "--version and a restart onto the CPU's BLAS core" 0 "" "$tmp/out"

OPENBLAS_CORETYPE=Prescott RNNLAB_BLAS_PRETEND=Prescott "$bin" --version >"$tmp/out" 2>&1; st=$?
check "OPENBLAS_CORETYPE from the user is kept" 0 "core Prescott (set by OPENBLAS_CORETYPE)" "$tmp/out"

"$bin" --seed-shift 3 -c 'show config' >"$tmp/out" 2>&1; st=$?
check "--seed-shift moves the default seed" 0 "^  seed  *4 " "$tmp/out"
"$bin" --seed-shift -1 -c 'show' >"$tmp/out" 2>&1; st=$?
check "--seed-shift refuses a negative" 2 "seed-shift needs a whole number from 0 to 1000000, got '-1'" "$tmp/out"

"$bin" --frobnicate >"$tmp/out" 2>&1; st=$?
check "unknown option" 2 "unknown option '--frobnicate'" "$tmp/out"

"$bin" -c 'model lstm hidden=8 in=2 out=1; model show' >"$tmp/out" 2>&1; st=$?
check "-c success" 0 "rnn.weight_hh_l0" "$tmp/out"

"$bin" -c 'model lstm hidden=0 in=2' >"$tmp/out" 2>&1; st=$?
check "-c error" 1 "rnnlab: model: hidden must be an integer from 1 to 65536, got '0'" "$tmp/out"

cat >"$tmp/script.lab" <<'LAB'
# a script with an error on line 4
data adding T=10 n=200
model gru hidden=8
set optim=adma
train 5
LAB
"$bin" --batch "$tmp/script.lab" >"$tmp/out" 2>&1; st=$?
check "script error names the line" 1 "script.lab:4: set: unknown optimizer 'adma' (choices: sgd, momentum" "$tmp/out"
if grep -q "^step " "$tmp/out"; then
	fail=$((fail + 1)); echo "FAIL: the script went on after its error"
else
	pass=$((pass + 1))
fi

printf 'data adding T=10 n=200\nmodel gru hidden=8\nset batch=10 log_every=5\ntrain 10\n' |
	"$bin" --batch - >"$tmp/out" 2>&1; st=$?
check "stdin script trains" 0 "step     10  loss" "$tmp/out"

printf 'model lstm hidden=4 in=1\nbogus\n' | "$bin" >"$tmp/out" 2>&1; st=$?
check "piped stdin is batch mode" 1 "stdin:2: bogus: unknown command" "$tmp/out"

"$bin" --bench cell=gru hidden=16 in=16 batch=4 seq=8 steps=3 >"$tmp/out" 2>&1; st=$?
check "bench prints tokens/s last" 0 "^tokens/s: [0-9]" "$tmp/out"
tail -1 "$tmp/out" | grep -q "^tokens/s: " && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: tokens/s is not the last line"; }

"$bin" --bench cell=lstm hidden=abc >"$tmp/out" 2>&1; st=$?
check "bench bad value" 2 "hidden must be an integer from 1 to 65536, got 'abc'" "$tmp/out"

# SIGTERM and SIGHUP during training: the current step ends, the session is
# saved beside its file (FILE.autosave) or, with no file, to
# rnnlab-autosave-PID.rnnlab in the XDG state directory, never the working
# directory; the status is 128+N.
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
sig_run() {	# sig_run SIGNAL SCRIPT: start it in $tmp/w, signal it once it trains (or prints
	# SIG_AFTER, then SIG_WAIT seconds more)
	rm -rf "$tmp/w" "$tmp/out"; mkdir "$tmp/w"	# no old output to see "step" in
	(cd "$tmp/w" && exec env ${SIG_ENV:-X_UNUSED=1} "$abs_bin" --batch "$2") >"$tmp/out" 2>&1 &
	pid=$!
	i=0
	while ! grep -q "${SIG_AFTER:-^step}" "$tmp/out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep "${SIG_WAIT:-0}"
	kill -"$1" $pid
	wait $pid; st=$?
}
cat >"$tmp/long.lab" <<LAB
data adding T=20 n=400
set log_every=10
model gru hidden=16
save $tmp/w/run.rnnlab
train 100000000
LAB
sig_run TERM "$tmp/long.lab"
check "SIGTERM: status 143, saved beside the session" 143 "terminated; the session was saved to $tmp/w/run.rnnlab.autosave" "$tmp/out"
"$bin" -c "load $tmp/w/run.rnnlab.autosave; runs" >"$tmp/out" 2>&1; st=$?
check "the autosave loads, with the steps trained" 0 "gru hidden=16 .* [1-9][0-9]* " "$tmp/out"
grep -v '^save' "$tmp/long.lab" >"$tmp/long2.lab"
SIG_ENV="HOME=$tmp/home XDG_STATE_HOME=" sig_run HUP "$tmp/long2.lab"
check "SIGHUP: status 129, saved in the XDG state directory" 129 \
	"saved to $tmp/home/.local/state/rnnlab/rnnlab-autosave-$pid.rnnlab" "$tmp/out"
ls "$tmp/home/.local/state/rnnlab" >"$tmp/out" 2>&1; st=$?
check "the autosave is there" 0 "^rnnlab-autosave-$pid.rnnlab$" "$tmp/out"
if [ -n "$(ls "$tmp/w")" ]; then fail=$((fail + 1)); echo "FAIL: an autosave in the working directory: $(ls "$tmp/w")"
else pass=$((pass + 1)); fi
# the signal stops the script too: nothing after the interrupted train runs,
# and the autosave holds the state at the signal (issue 16, item 5)
{ cat "$tmp/long.lab"; echo "export $tmp/w/after.npz"; echo "model lstm hidden=3"; } >"$tmp/long3.lab"
sig_run TERM "$tmp/long3.lab"
check "SIGTERM stops the script: status 143" 143 "stopped at this line (interrupted)" "$tmp/out"
if [ -e "$tmp/w/after.npz" ]; then fail=$((fail + 1)); echo "FAIL: the script ran on after SIGTERM"; else pass=$((pass + 1)); fi
"$bin" -c "load $tmp/w/run.rnnlab.autosave" >"$tmp/out" 2>&1; st=$?
check "the autosave holds the state at the signal (the gru)" 0 "loaded .*: gru hidden=16" "$tmp/out"
sig_run INT "$tmp/long3.lab"
check "SIGINT stops the script too: status 130" 130 "stopped at this line (interrupted)" "$tmp/out"
if [ -e "$tmp/w/after.npz" ]; then fail=$((fail + 1)); echo "FAIL: the script ran on after SIGINT"; else pass=$((pass + 1)); fi
# ... and a gradcheck, between two of its entries (it ran to its end: minutes on a big
# model); the signal comes once it has run half a second (its full run takes seconds)
printf 'data sine\nmodel lstm hidden=64\ntrain 1\nsay "the gradcheck starts"\ngradcheck 100000\nsay "after the gradcheck"\n' >"$tmp/gc.lab"
SIG_AFTER="^the gradcheck starts" SIG_WAIT=0.5 sig_run TERM "$tmp/gc.lab"
check "SIGTERM stops a gradcheck: status 143" 143 "gradcheck: stopped after [0-9]* entries; the weights are as they were" "$tmp/out"
if grep -q "after the gradcheck\|backprop agrees" "$tmp/out"; then fail=$((fail + 1)); echo "FAIL: the gradcheck or the script ran on after SIGTERM"
else pass=$((pass + 1)); fi

# A script that runs itself ten times a line (issue 16, item 4): `try` does not
# catch the depth limit, so it stops at once instead of running 10^8 scripts;
# and a budget of commands stops a long one (the user raises it, not the script).
printf 'say "tick"\n' >"$tmp/bomb.lab"
for i in 1 2 3 4 5 6 7 8 9 10; do echo "try run $tmp/bomb.lab" >>"$tmp/bomb.lab"; done
timeout 20 "$bin" --batch "$tmp/bomb.lab" >"$tmp/out" 2>&1; st=$?
check "a script bomb stops at the depth limit, try or not" 1 "scripts nested more than 8 deep" "$tmp/out"
if [ "$(wc -c <"$tmp/out")" -lt 10000 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: the bomb printed $(wc -c <"$tmp/out") bytes"; fi
i=0; while [ $i -lt 60 ]; do echo 'say "x"'; i=$((i + 1)); done >"$tmp/many.lab"
"$bin" --max-commands abc --batch "$tmp/many.lab" >"$tmp/out" 2>&1; st=$?
check "--max-commands needs a number" 2 "--max-commands needs a whole number from 1 to 1000000000, got 'abc'" "$tmp/out"
"$bin" --max-output 0 -c "help" >"$tmp/out" 2>&1; st=$?
check "--max-output needs a number from 1" 2 "--max-output needs a whole number from 1 to 1000000000, got '0'" "$tmp/out"
"$bin" --log "$tmp/x.log" -c "help" >"$tmp/out" 2>&1; st=$?
check "--log is for the workbench" 2 "--log is for the workbench" "$tmp/out"
"$bin" --max-commands 50 --batch "$tmp/many.lab" >"$tmp/out" 2>&1; st=$?
check "the command budget stops a script" 1 "the script ran more than 50 commands" "$tmp/out"
"$bin" --batch "$tmp/many.lab" >"$tmp/out" 2>&1; st=$?
check "the default budget is generous" 0 "^x$" "$tmp/out"

# Smaller things (issue 16, items 15 and 16): a lesson saved with a byte-order
# mark runs; output to a full device is a failure; a path too long for the
# session's record is refused whole, not cut.
printf '\357\273\277say "with a BOM"\n' >"$tmp/bom.lab"
"$bin" --batch "$tmp/bom.lab" >"$tmp/out" 2>&1; st=$?
check "a byte-order mark is not a command" 0 "^with a BOM$" "$tmp/out"
if [ -w /dev/full ]; then
	"$bin" -c "help" >/dev/full 2>"$tmp/out"; st=$?
	check "output to a full device fails" 1 "writing the output failed" "$tmp/out"
	for a in --help -h --version --man "--bench steps=1 warmup=0 hidden=8 in=8 seq=4 batch=2"; do
		"$bin" $a >/dev/full 2>"$tmp/out"; st=$?
		check "rnnlab $a to a full device fails" 1 "^rnnlab: writing the output failed" "$tmp/out"
	done
fi
long=$tmp/$(printf '%01100d' 0)
"$bin" -c "save $long.rnnlab" >"$tmp/out" 2>&1; st=$?
check "a path too long is refused whole" 1 "the path is longer than 1023 characters" "$tmp/out"

# A finite gradient whose update would overflow the weights (issue 16, item
# 8): the step is refused whole, `finite` says so, and what export writes is
# what import takes back.
cat >"$tmp/overflow.lab" <<EOF
data adding T=26 n=200
model rnn hidden=16 act=relu radius=13
set optim=sgd lr=1000 clip=0
try train 1
expect error "would make"
expect finite == 0
expect steps == 0
export $tmp/overflow.npz
import $tmp/overflow.npz
EOF
"$bin" --batch "$tmp/overflow.lab" >"$tmp/out" 2>&1; st=$?
check "an update past the float range is not applied" 0 "imported 6 tensors" "$tmp/out"

# Under a memory limit (issue 16, item 11): OpenBLAS's buffers (128 MiB per
# thread) are checked for before a step, so a limit too small is a one-line
# error, not a process that spins for ever; at no limit in between does a
# train hang (SIGKILL after 30 s would show as 137).  Not under ASan, which
# needs terabytes of address space.
case "$bin" in
*/san/*) ;;
*)
	(ulimit -v 150000; timeout -s KILL 30 "$bin" -c "data adding T=50 n=200; model lstm hidden=64; train 5") \
		>"$tmp/out" 2>&1; st=$?
	check "ulimit -v too small: one line" 1 "leaves too little: OpenBLAS needs 128 MiB more" "$tmp/out"
	hung=
	for kb in 200000 250000 300000 350000 400000 450000; do
		(ulimit -v $kb; timeout -s KILL 30 "$bin" -c "data adding T=100 n=400; model lstm hidden=128; \
			set log_every=0 batch=32; train 3; set threads=2; train 3") >"$tmp/out" 2>&1
		[ $? = 137 ] && hung="$hung $kb"
	done
	if [ -z "$hung" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: train hung under ulimit -v$hung"; fi
	(ulimit -v 700000; timeout -s KILL 60 "$bin" -c "data adding T=100 n=400; model lstm hidden=128; \
		set log_every=0 batch=32 threads=2; train 3") >"$tmp/out" 2>&1; st=$?
	check "ulimit -v with room: trains" 0 "step      3 .*done" "$tmp/out"
	;;
esac

# Two processes saving one journal at the same moment, twenty times each:
# every save succeeds, and the file is one whole journal (issue 16, item 16).
for who in a b; do
	(i=0; bad=0; while [ $i -lt 20 ]; do
		"$bin" -c "say $who; journal save $tmp/shared.lab" >/dev/null 2>"$tmp/j$who.err" || bad=$((bad + 1))
		i=$((i + 1))
	done; echo $bad >"$tmp/j$who.bad") &
done
wait
if [ "$(cat "$tmp/ja.bad")$(cat "$tmp/jb.bad")" = "00" ] && head -1 "$tmp/shared.lab" | grep -q "^# rnnlab journal"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: concurrent journal saves: $(cat "$tmp/ja.bad") and $(cat "$tmp/jb.bad") failed"
	cat "$tmp/ja.err" "$tmp/jb.err" | sed 's/^/    /'
fi

# plot lr: a constant rate is one line, a schedule a plot
"$bin" -c "data adding T=20 n=100; model lstm hidden=8; train 3; plot lr; set schedule=cosine t_max=10; train 3; plot lr" >"$tmp/out" 2>&1; st=$?
check "plot lr, constant: one line" 0 "^learning rate 0.001 at every step (3 of them): constant$" "$tmp/out"
check "plot lr, a schedule: the plot" 0 "^ *learning rate$" "$tmp/out"

# compare (issue 17): the gradient flow of an rnn, an lstm and a gru at
# init on one plot, each curve labelled apart; compare log; a run named
# without quotes; runs numbered in the table.
"$bin" -c "data adding T=30 n=100; set log_every=0; model rnn hidden=16; train 1; model lstm hidden=16; train 1; \
model gru hidden=16; train 1; runs name GRU at init; compare flow; compare log; runs" >"$tmp/out" 2>&1; st=$?
check "compare flow: three cells on one plot" 0 "||dL/dh_t|| (top layer) of the runs at step 1 on adding" "$tmp/out"
check "compare flow: labelled apart" 0 "rnn  .* lstm .* GRU at init" "$tmp/out"
check "compare log" 0 "validation loss of the runs on adding" "$tmp/out"
check "runs: numbered, named without quotes, the current one starred" 0 "^   3\* GRU at init " "$tmp/out"
"$bin" -c "data adding T=20 n=100; set log_every=0; model gru hidden=8; train 2; gates unit=max; gates unit=8" \
	>"$tmp/out" 2>&1; st=$?
check "gates unit=max: one unit's gates as lines" 1 "gru unit [0-7] (most open z), layer 0 of 1, sequence 0: its gates" "$tmp/out"
check "gates unit=8 of 8 units: one line saying the range" 1 "gates: unit must be from 0 to 7 or max, got 8" "$tmp/out"

# The lessons from any directory (issue 17): listed by number with their
# titles and parts; `run 99` says which lessons there are.
abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
case "$bin" in */san/*) lenv="RNNLAB_LESSONS=$(pwd)/scenarios" ;; *) lenv=X_UNUSED=1 ;; esac
(cd "$tmp" && env "$lenv" "$abs" -c "lesson") >"$tmp/out" 2>&1; st=$?
check "lesson lists the lessons from another directory" 0 "^  14  Compression: int8 quantization, magnitude pruning and distillation  *8 parts, ~32 min" "$tmp/out"
(cd "$tmp" && env "$lenv" "$abs" -c "run 99") >"$tmp/out" 2>&1; st=$?
check "run 99: which lessons there are" 1 "run: there is no lesson 99 (lessons 1 to [0-9]*; \`lesson\` lists them)" "$tmp/out"
# A lesson's file name (with or without .lab) from another directory (issue
# 20: "run 02-vanishing.lab -> No such file or directory"); a file here wins.
mkdir -p "$tmp/les2" "$tmp/here"
printf '# 03 - tiny\nsay "the tiny lesson"\n' >"$tmp/les2/03-tiny.lab"
for how in "-c|run 03-tiny" "-c|run 03-tiny.lab" "--batch|03-tiny" "--batch|3" "|03-tiny.lab"; do
	(cd "$tmp/here" && RNNLAB_LESSONS=$tmp/les2 "$abs" ${how%%|*} "${how#*|}" </dev/null) >"$tmp/out" 2>&1; st=$?
	check "a lesson by its name from another directory: ${how%%|*} ${how#*|}" 0 "^the tiny lesson$" "$tmp/out"
done
printf 'say "the file here"\n' >"$tmp/here/03-tiny.lab"
(cd "$tmp/here" && RNNLAB_LESSONS=$tmp/les2 "$abs" -c "run 03-tiny.lab") >"$tmp/out" 2>&1; st=$?
check "a file in the directory wins over a lesson of its name" 0 "^the file here$" "$tmp/out"
(cd "$tmp/here" && RNNLAB_LESSONS=$tmp/les2 "$abs" --batch 7) >"$tmp/out" 2>&1; st=$?
check "--batch 7: which lessons there are" 2 "^rnnlab: there is no lesson 7 (lessons 3 to 3; \`lesson\` lists them)$" "$tmp/out"
(cd "$tmp/here" && RNNLAB_LESSONS=$tmp/les2 "$abs" -c "run 04-tiny") >"$tmp/out" 2>&1; st=$?
check "a name no file or lesson has: the file's error" 1 "run: 04-tiny: No such file or directory" "$tmp/out"

# plot eigen (issue 18): every eigenvalue of W_hh against the unit circle,
# the radius asked for by radius= on the first line of the note.
"$bin" -c "data adding T=20 n=100; model rnn hidden=24 radius=1.5; plot eigen; model gru hidden=8; plot eigen gate=z; \
plot eigen gate=q" >"$tmp/out" 2>&1; st=$?
check "plot eigen: the title" 1 "eigenvalues of W_hh now, layer 0$" "$tmp/out"
check "plot eigen: the radius the model was scaled to" 1 "radius 1.5  norm [0-9.]*  [0-9]*/24 outside" "$tmp/out"
check "plot eigen gate=z: the block named" 1 "eigenvalues of W_hh now, layer 0, z block" "$tmp/out"
check "plot eigen gate=q: the gates there are" 1 "plot: gate must be one of r, z, n, got 'q'" "$tmp/out"
"$bin" -c "data adding T=20 n=100; model lstm hidden=8; train 1; plot jacobian sample=2" >"$tmp/out" 2>&1; st=$?
check "plot jacobian: each step's norm, their product, the measured ratio" 0 "step Jacobians of sequence 2, layer 0, at step 1" "$tmp/out"
check "plot jacobian, lstm: the cell's path too" 0 "max f_t (cell path)" "$tmp/out"
# (over seed shifts 0-7 and the Haswell and Zen cores: radius 1.5 gives 9.7e5 to 2.3e10,
# radius 0.5 gives 1.8e-5 to 0.10; its norm is above its radius, so not always tiny)
"$bin" -c "data adding T=30 n=100; model rnn hidden=16 radius=1.5; expect eigen max > 1.49; expect eigen outside >= 1; \
train 1; expect jacobian product > 1e4; model rnn hidden=16 radius=0.5; train 1; expect jacobian product < 0.5; \
expect eigen norm > 0.5" >"$tmp/out" 2>&1; st=$?
check "expect eigen and jacobian: radius 1.5 explodes, 0.5 vanishes" 0 "ok: jacobian product = .* < 0.5" "$tmp/out"
"$bin" -c "data adding T=30 n=100; model rnn hidden=16 radius=3; landscape dir=scale; landscape dir=sideways" >"$tmp/out" 2>&1; st=$?
check "landscape dir=scale: the loss and the gradient norm along W_hh's scale" 1 "landscape: at the weights (alpha 0) loss [0-9.]*, gradient norm" "$tmp/out"
check "landscape dir=scale: a step is not on that line" 1 "clipped to norm 1 it moves .* (off this picture: a step follows the gradient)" "$tmp/out"
check "landscape: a bad direction, one line with the choices" 1 "landscape: unknown dir 'sideways' (choices: grad, scale, random)" "$tmp/out"
# The SVG of a landscape carries its marks: along the gradient the weights and
# both steps on the loss, the weights on the gradient norm; on a plane of the
# gradient and a random direction the three again (the steps are small: on it).
"$bin" -c "data adding T=20 n=100; model rnn hidden=8; train 2; landscape points=11; plot landscape --svg $tmp/land.svg; \
landscape dir=grad dir2=random points=9 from=-0.01 to=0.01; plot landscape --svg $tmp/plane.svg" >"$tmp/out" 2>&1; st=$?
for f in "land.svg|3" "land-grad.svg|1" "plane.svg|3"; do
	n=$(grep -o '<g class="mark">' "$tmp/${f%|*}" 2>/dev/null | wc -l)
	if [ "$st" = 0 ] && [ "$n" = "${f#*|}" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: plot landscape --svg ${f%|*}: $n marks, want ${f#*|} (status $st)"; sed 's/^/    /' "$tmp/out"; fi
done
for t in "plain SGD: w - lr g" "clipped: w - lr min(1, clip/||g||) g" "the weights now"; do
	check "the landscape's SVG marks: $t" 0 "<title>$t</title><circle" "$tmp/land.svg"
	check "the plane's SVG marks: $t" 0 "<title>$t</title><circle" "$tmp/plane.svg"
done
# (grad > 1 and step > 0.001 held on seed shifts 0-7: the least were 3.8 and 0.0033)
# one update from a radius-3 net: the gradient is large (clipped: lr x clip long), the plain step
# lands on the picture only when the range reaches it; expect reads that landscape, not a later one
"$bin" -c "data adding T=30 n=100; model rnn hidden=16 radius=3; set optim=sgd lr=0.01 clip=0.5; \
try expect landscape loss > 0; landscape dir=random dir2=grad points=11; expect landscape grad > 1; \
expect landscape step > 0.001; expect landscape clipped > 0; try expect landscape span > 0; train 1; \
landscape dir=scale; train 1; expect landscape loss > 0" >"$tmp/out" 2>&1; st=$?
check "landscape dir2=: the loss as a heatmap over a plane" 1 "log10 loss on the plane of random and grad, 10 validation examples (step 0)" "$tmp/out"
check "landscape: the clipped step is lr x clip long, on the plane's gradient axis" 1 "clipped to norm 0.5 it moves 0.005, loss [0-9.]* (C)" "$tmp/out"
check "landscape: the plain step off the plane's range is said to be" 1 "(S is off the picture, at beta -[0-9.]*)" "$tmp/out"
check "expect landscape before any: one line" 1 "(as expected?) expect: no landscape of the weights now: run landscape first" "$tmp/out"
check "expect landscape span: a plane has none" 1 "expect: a plane has no span: run landscape along one direction (no dir2=)" "$tmp/out"
check "expect landscape after a step: the landscape is of older weights" 1 "^rnnlab: expect: no landscape of the weights now: run landscape first" "$tmp/out"
"$bin" -c "data adding T=20 n=100; model gru hidden=8; train 2; plot states samples=3" >"$tmp/out" 2>&1; st=$?
check "plot states: h_t on two principal components" 0 "PC1 [0-9]*%  PC2 [0-9]*% of the variance" "$tmp/out"
# The planes as SVG: files rnnlab marks as its own (and so replaces without
# force); a path that cannot be written and a file rnnlab did not write are
# one-line errors that leave the file as it was.
"$bin" -c "data adding T=20 n=100; model gru hidden=8; train 1; plot eigen gate=z --svg $tmp/e.svg; \
plot states samples=2 --svg $tmp/s.svg; plot eigen --svg $tmp/e.svg" >"$tmp/out" 2>&1; st=$?
check "plot eigen --svg: wrote the file" 0 "^wrote $tmp/e.svg$" "$tmp/out"
check "plot eigen --svg: rnnlab's mark" 0 '^<svg data-generator="rnnlab"' "$tmp/e.svg"
check "plot eigen --svg: the eigenvalues and the unit circle" 0 '<circle class="unit"' "$tmp/e.svg"
check "plot eigen --svg: the title" 0 ">eigenvalues of W_hh now, layer 0, n block<" "$tmp/e.svg"
check "plot states --svg: rnnlab's mark" 0 '^<svg data-generator="rnnlab"' "$tmp/s.svg"
n=$(grep -c '<g class="path">' "$tmp/s.svg"); [ "$n" = 2 ] || st=9
check "plot states --svg: a path per sequence" 0 "PC1 [0-9]*%  PC2 [0-9]*% of the variance" "$tmp/s.svg"
echo "someone's drawing" >"$tmp/theirs.svg"
"$bin" -c "data adding T=20 n=100; model rnn hidden=4; plot eigen --svg $tmp/theirs.svg" >"$tmp/out" 2>&1; st=$?
check "plot eigen --svg over a file rnnlab did not write: refused" 1 \
	"^rnnlab: plot: $tmp/theirs.svg exists and is not an .svg file; not overwriting it (add force to replace it)$" "$tmp/out"
check "... and the file is as it was" 1 "^someone's drawing$" "$tmp/theirs.svg"
"$bin" -c "data adding T=20 n=100; model rnn hidden=4; plot states --svg $tmp/no/such/s.svg" >"$tmp/out" 2>&1; st=$?
check "plot states --svg before a forward pass: one line" 1 \
	"^rnnlab: plot: no forward pass yet: train a step first (or run grads)$" "$tmp/out"
"$bin" -c "data adding T=20 n=100; model rnn hidden=4; plot eigen --svg $tmp/no/such/e.svg" >"$tmp/out" 2>&1; st=$?
check "plot eigen --svg into a missing folder: one line" 1 \
	"^rnnlab: plot: cannot write '$tmp/no/such/e.svg': No such file or directory$" "$tmp/out"
"$bin" -c "data adding T=20 n=100; model rnn hidden=4; plot eigen --svg $tmp/theirs.svg force" >"$tmp/out" 2>&1; st=$?
check "plot eigen --svg force replaces it" 0 '^<svg data-generator="rnnlab"' "$tmp/theirs.svg"

# seq2seq has two stacks of cells: part=enc (the default) and part=dec pick
# the encoder's or the decoder's W_hh for plot eigen and expect eigen.
"$bin" -c "data reverse len=8 n=100; model seq2seq cell=gru hidden=8 embed=4; plot eigen part=dec; plot eigen; \
expect eigen max part=dec < 10; plot eigen part=dec --svg $tmp/dec.svg; plot eigen part=mid" >"$tmp/out" 2>&1; st=$?
check "plot eigen part=dec: the decoder's title" 1 "eigenvalues of the decoder's W_hh now, layer 0, n block" "$tmp/out"
check "plot eigen: the encoder's by default" 1 "eigenvalues of the encoder's W_hh now, layer 0, n block" "$tmp/out"
check "expect eigen max part=dec" 1 "ok: eigen max part=dec = [0-9.]* < 10" "$tmp/out"
check "plot eigen part=dec --svg" 1 ">eigenvalues of the decoder&apos;s W_hh now, layer 0, n block<" "$tmp/dec.svg"
check "plot eigen part=mid: the parts there are" 1 "^rnnlab: plot: part must be enc or dec, got 'mid'$" "$tmp/out"

# seq2seq in the panes' commands (issue 23): both halves, by part=; a breakpoint on the
# encoder's flow holds the first step; compare flow draws the encoders' flows
"$bin" -c "data reverse len=8 n=400; set log_every=0 val_every=0; model seq2seq cell=gru hidden=16 embed=8 attention=dot; \
break flow < 10; train 20; break clear; grads part=dec; step t=2; plot sat; plot flow; step t=2 part=enc; model seq2seq cell=gru hidden=16 \
embed=8 attention=none; train 3; compare flow" >"$tmp/out" 2>&1; st=$?
check "seq2seq: the decoder's x_t is the previous target token" 0 "^x_t .*(8 values, the previous target token, embedded)$" "$tmp/out"
check "seq2seq: the encoder's x_t is a token" 0 "^x_t .*(8 values, an embedded token)$" "$tmp/out"
check "seq2seq: a breakpoint on the encoder's flow holds the first step" 0 "break 1 (flow < 10) before step 1 (not applied" "$tmp/out"
check "seq2seq: grads part=dec reads the decoder" 0 "the decoder's cells (grads part=enc for the encoder)" "$tmp/out"
check "seq2seq: step follows grads to the decoder, with its attention" 0 "^a_t .* over the source: most on s=[0-9]" "$tmp/out"
check "seq2seq: plot sat of the decoder" 0 "saturated units at step 0, decoder" "$tmp/out"
check "seq2seq: plot flow, both halves" 0 "||dL/dh_t|| at step 0: encoder t=1..8, decoder t=9..17" "$tmp/out"
check "seq2seq: compare flow of two seq2seq runs" 0 "(top layer) of the runs" "$tmp/out"

# The manual page (issue 20): made from the command table, so every command
# `help` lists has its entry; groff renders it without a warning.
"$bin" --man >"$tmp/rnnlab.1" 2>&1; st=$?
check "--man: a manual page" 0 '^\.TH RNNLAB 1' "$tmp/rnnlab.1"
missing=
for c in $("$bin" -c help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	grep -q "^\.B $c\b" "$tmp/rnnlab.1" || missing="$missing $c"
done
if [ -z "$missing" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --man lacks:$missing"; fi
if command -v groff >/dev/null; then
	groff -ww -man -z "$tmp/rnnlab.1" >"$tmp/out" 2>&1
	if [ -s "$tmp/out" ]; then fail=$((fail + 1)); echo "FAIL: groff warns about the man page:"; sed 's/^/    /' "$tmp/out"
	else pass=$((pass + 1)); fi
fi

# The bash completion knows every option --help names (issue 20).
missing=
for o in $("$bin" --help | grep -o -- '\(^\|[ [(]\)--*[a-z][a-z-]*' | sed 's/^[ [(]//' | sort -u); do
	grep -q -- "$o\b" completion/rnnlab.bash || missing="$missing $o"
done
if [ -z "$missing" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: completion/rnnlab.bash lacks:$missing"; fi
if command -v bash >/dev/null; then
	out=$(bash -c '. completion/rnnlab.bash; COMP_WORDS=(rnnlab --ver); COMP_CWORD=1; _rnnlab; echo "${COMPREPLY[*]}"')
	if [ "$out" = "--version" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: completing --ver gave '$out'"; fi
fi

# The new commands' bad input: one line each, saying what is allowed; a
# lesson title with control characters is listed made safe.
for bad in "data adding T=20 n=50; model rnn hidden=1100; plot eigen|plot: hidden=1100: the eigenvalues are computed up to hidden=1024" \
	"data adding T=20 n=50; model rnn hidden=300; train 1; plot jacobian|plot: hidden=300, T=20: the step Jacobians are computed up to hidden=256 and T=2000" \
	"data adding T=20 n=50; model rnn hidden=4; train 1; plot states samples=0|plot: samples must be an integer from 1 to 64, got '0'" \
	"data adding T=20 n=50; model rnn hidden=4; landscape from=1 to=-1|landscape: to must be above from (got from=1 to=-1)" \
	"data adding T=20 n=50; model rnn hidden=4; landscape points=2|landscape: points must be an integer from 3 to 401, got '2'" \
	"data adding T=20 n=50; model rnn hidden=4; landscape dir2=grad|landscape: dir2 must differ from dir (both grad; two random directions differ)" \
	"data adding T=20 n=50; model rnn hidden=4; landscape dir2=random points=80|landscape: points must be from 3 to 61 on a plane (61 x 61 forward passes), got 80" \
	"data adding T=20 n=50; model rnn hidden=4; landscape lr=0|landscape: lr must be from 1e-09 to 1000, got 0" \
	"data adding T=20 n=50; model rnn hidden=4; landscape on=nope|landscape: unknown on 'nope' (choices: val, train)" \
	"data adding T=20 n=50; model rnn hidden=4; landscape on=train|landscape: no training batch yet: train a step first (or on=val, the validation examples)" \
	"data adding T=20 n=50; model rnn hidden=4; plot landscape|plot: no landscape yet: run landscape (help landscape)" \
	"data adding T=20 n=50; model rnn hidden=4; landscape; expect landscape > 1|expect: which? (usage: expect landscape loss|grad|sgd|clipped|step|span > 1)" \
	"data adding T=20 n=50; model rnn hidden=4; expect eigen > 1|expect: which? (usage: expect eigen max|norm|outside [layer=K] [part=enc|dec] > 1)" \
	"data reverse len=8 n=100; model seq2seq cell=rnn hidden=4 embed=4; plot states|plot: plot states does not work on seq2seq models (it works on rnn, lstm and gru models)" \
	"data reverse len=8 n=100; model seq2seq cell=rnn hidden=4 embed=4; expect eigen max part=both > 1|expect: part must be enc or dec, got 'both'" \
	"data reverse len=8 n=100; model seq2seq cell=rnn hidden=4 embed=4; plot loss part=dec|plot: part= picks a seq2seq model's encoder or decoder for plot eigen, sat, gates and h, not plot loss" \
	"data adding T=20 n=50; model lstm hidden=4; plot eigen part=dec|plot: part= picks a seq2seq model's encoder or decoder (part=enc|dec); this lstm model has one stack of cells: leave part= out" \
	"set pace=5000|set: pace must be an integer from 0 to 1000, got '5000'" \
	"data adding T=20 n=50; model rnn hidden=4; runs name $(printf 'x%.0s' $(seq 70))|runs: a run's name is at most 63 characters"; do
	"$bin" -c "${bad%%|*}" >"$tmp/out" 2>&1; st=$?
	check "bad input: ${bad#*|}" 1 "^rnnlab: $(printf '%s' "${bad#*|}" | sed 's/[][\.*^$]/\\&/g')$" "$tmp/out"
done
mkdir -p "$tmp/les"
printf '# 01 \342\200\224 A title \033[31mred\007 here\n' >"$tmp/les/01-evil.lab"
RNNLAB_LESSONS=$tmp/les "$bin" -c lesson >"$tmp/out" 2>&1; st=$?
check "a lesson's title is listed made safe" 0 "^   1  A title ?\[31mred? here " "$tmp/out"

# Text from a lesson or a file never reaches the terminal raw (issue 16, item
# 13): ESC, BEL and C1 controls (U+009B as UTF-8 is a CSI) in a say, a run's
# name, a generated text come out as '?'.
printf 'say "a\302\233b\007c"\ndata adding T=5 n=40\nmodel rnn hidden=2\nruns name "x\033[31mred"\ntrain 1\nruns\n' >"$tmp/c1.lab"
"$bin" --batch "$tmp/c1.lab" >"$tmp/out" 2>&1; st=$?
check "controls from a lesson are made safe" 0 "^a??b?c$" "$tmp/out"
if LC_ALL=C grep -q "$(printf '\033')\|$(printf '\302\233')\|$(printf '\007')" "$tmp/out"; then
	fail=$((fail + 1)); echo "FAIL: a control character reached the output"; else pass=$((pass + 1)); fi

# Sweeps on every core and beyond one machine (issue 19).  The same table
# whatever jobs is: each combination starts from the session as the sweep
# found it, and a worker runs its script from that.  emit=DIR writes the
# scripts; a plain loop runs them; collect prints the same rows.
cat >"$tmp/sw.lab" <<'LAB'
data adding T=20 n=400
set seed=3 optim=adam lr=1e-2 batch=16 clip=1 log_every=0 val_every=10 val_size=100
model gru hidden=8
set seed=5
LAB
table() {	# table OUT: the table's rows (header on), nothing else
	sed -n '/^  run  *best val/,$p' "$1" | grep '^  [^ ]' | grep -v '^  [0-9]* *[#0-9][* ] \|^  (\* the current run\|^  (tok/s'
}
sweep_cmd="sweep hidden=4,8 cell=rnn,gru T=10,20 steps=30 target=0.2"
for j in 1 2 3; do
	{ cat "$tmp/sw.lab"; echo "set jobs=$j"; echo "$sweep_cmd"; echo runs; } >"$tmp/sw$j.lab"
	mkdir -p "$tmp/t$j"
	TMPDIR="$tmp/t$j" "$bin" --batch "$tmp/sw$j.lab" >"$tmp/sw$j.out" 2>&1; st=$?
	table "$tmp/sw$j.out" >"$tmp/rows$j"
done
check "sweep jobs=3 trains in workers" 0 "sweep 1/8: T=10 cell=rnn hidden=4 (a worker)" "$tmp/sw3.out"
if [ "$(wc -l <"$tmp/rows1")" = 9 ] && cmp -s "$tmp/rows1" "$tmp/rows2" && cmp -s "$tmp/rows1" "$tmp/rows3"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: jobs=1, 2 and 3 give different tables:"; diff "$tmp/rows1" "$tmp/rows2"; diff "$tmp/rows1" "$tmp/rows3"
fi
# the runs are kept in the same order, the last one current, as jobs=1 leaves them
grep '^  *[0-9]  T=' "$tmp/sw1.out" | awk '{print $1, $2, $3, $4, $5}' >"$tmp/runs1"
grep '^  *[0-9]  T=' "$tmp/sw2.out" | awk '{print $1, $2, $3, $4, $5}' >"$tmp/runs2"
if [ -s "$tmp/runs1" ] && cmp -s "$tmp/runs1" "$tmp/runs2" && grep -q "^ *[0-9]\* T=20 cell=gru hidden=8 " "$tmp/sw2.out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: jobs=2 keeps other runs than jobs=1"; cat "$tmp/sw2.out"; fi
if [ -z "$(find "$tmp/t2" "$tmp/t3" -mindepth 1)" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: the workers' directory was left behind"; ls -R "$tmp/t2" "$tmp/t3"; fi

{ cat "$tmp/sw.lab"; echo "$sweep_cmd emit=$tmp/em"; } >"$tmp/emit.lab"
"$bin" --batch "$tmp/emit.lab" >"$tmp/out" 2>&1; st=$?
check "emit writes the scripts" 0 "wrote 8 scripts, a manifest and slurm.sh" "$tmp/out"
check "emit trains nothing" 0 "then: sweep collect" "$tmp/out"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for f in "$tmp"/em/*.lab; do (cd / && "$abs_bin" --batch "$f" >/dev/null 2>&1) || echo "$f failed"; done >"$tmp/out"
if [ -s "$tmp/out" ]; then fail=$((fail + 1)); echo "FAIL: an emitted script did not run on its own:"; cat "$tmp/out"
else pass=$((pass + 1)); fi
"$bin" -c "sweep collect $tmp/em" >"$tmp/col.out" 2>&1; st=$?
check "collect" 0 "sweep collect .*: 8 of 8 results" "$tmp/col.out"
check "collect draws the compare plot" 0 "validation loss of the runs" "$tmp/col.out"
table "$tmp/col.out" >"$tmp/rowsc"
if cmp -s "$tmp/rows1" "$tmp/rowsc"; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: collect's table is not the sweep's:"; diff "$tmp/rows1" "$tmp/rowsc"; fi
grep -q "^#SBATCH --array=1-8$" "$tmp/em/slurm.sh" && grep -q 'SLURM_ARRAY_TASK_ID' "$tmp/em/slurm.sh"; st=$?
check "slurm.sh: a job array over the scripts" 0 "rnnlab-sweep" "$tmp/em/slurm.sh"
"$bin" --batch "$tmp/emit.lab" >"$tmp/out" 2>&1; st=$?
check "emit refuses a directory that is not empty" 1 "em is not empty (18 files): emit into a new or empty directory" "$tmp/out"

# collect reads a stranger's directory: one line for a bad manifest; a bad,
# missing, linked or FIFO result is its row, never a hang or a read outside
mkdir "$tmp/bad"
cp "$tmp"/em/manifest "$tmp"/em/run-0[1-4].result "$tmp/bad/"
rm "$tmp/bad/run-02.result"
rm "$tmp/bad/run-03.result"; ln -s /etc/passwd "$tmp/bad/run-03.result"
rm "$tmp/bad/run-04.result"; mkfifo "$tmp/bad/run-04.result"
head -n 12 "$tmp/em/run-05.result" >"$tmp/bad/run-05.result"
sed 's/^sweep .*/sweep 0123456789abcdef/' "$tmp/em/run-06.result" >"$tmp/bad/run-06.result"
sed 's/^1 /-1 /' "$tmp/em/run-07.result" >"$tmp/bad/run-07.result"
timeout -s KILL 20 "$bin" -c "sweep collect $tmp/bad" >"$tmp/out" 2>&1; st=$?
check "collect: 1 of 8" 0 "sweep collect .*: 1 of 8 results" "$tmp/out"
check "collect: a missing result" 0 "T=20 cell=rnn hidden=4  *-  *-  missing: no run-02.result yet (has run-02.lab run?)" "$tmp/out"
check "collect: a symbolic link" 0 "failed: .*run-03.result: a symbolic link (not followed)" "$tmp/out"
check "collect: a FIFO" 0 "failed: .*run-04.result is not a regular file" "$tmp/out"
check "collect: a truncated result" 0 "failed: .*run-05.result, line .*(truncated?)" "$tmp/out"
check "collect: another sweep's result" 0 "failed: .*run-06.result, line 2: from another sweep" "$tmp/out"
check "collect: a bad step" 0 "failed: .*run-07.result, line 9: steps are whole numbers from 1 that increase" "$tmp/out"
check "collect: run 8 missing" 0 "missing: no run-08.result yet" "$tmp/out"
for bad in 's/run-01.result/..\/em\/run-01.result/' 's/run-01.result/\/etc\/passwd.result/' 's/^runs 8/runs 80/' \
	's/^run 2 /run 3 /' 's/^steps 30/steps x/' '$d'; do
	sed "$bad" "$tmp/em/manifest" >"$tmp/bad/manifest"
	"$bin" -c "sweep collect $tmp/bad" >"$tmp/out" 2>&1; st=$?
	echo "$bad: $(cat "$tmp/out")" >>"$tmp/manifests"
	[ $st = 1 ] && [ "$(wc -l <"$tmp/out")" = 1 ] || { fail=$((fail + 1)); echo "FAIL: a bad manifest ($bad) not one error line:"; cat "$tmp/out"; }
done
st=0
check "collect refuses a manifest naming a file outside DIR" 0 "names a file outside the sweep's directory" "$tmp/manifests"
check "collect refuses too many runs" 0 "runs must be a whole number from 1 to 64" "$tmp/manifests"
check "collect refuses a manifest cut short" 0 "the file ends where 'end' should be (truncated?)" "$tmp/manifests"
"$bin" -c "sweep collect $tmp/nowhere" >"$tmp/out" 2>&1; st=$?
check "collect: no such directory" 1 "sweep: .*nowhere: No such file or directory" "$tmp/out"
mkdir "$tmp/empty"
"$bin" -c "sweep collect $tmp/empty" >"$tmp/out" 2>&1; st=$?
check "collect: no manifest" 1 "empty/manifest: No such file or directory" "$tmp/out"

# a worker that fails or dies is its row; bad input is one line
printf 'data adding T=20 n=400\nmodel gru hidden=8\nset jobs=2 log_every=0\nsweep T=abc,20 steps=5\n' >"$tmp/fail.lab"
"$bin" --batch "$tmp/fail.lab" >"$tmp/out" 2>&1; st=$?
check "a worker's error is its row" 1 "T=abc  *-  *-  failed: data: adding: T must be an integer from 2 to 100000, got 'abc' (exit status 1)" "$tmp/out"
check "a failed run fails the sweep" 1 "sweep: 1 of 2 runs failed (their rows say why)" "$tmp/out"
mkdir -p "$tmp/tk"
printf 'data adding T=20 n=400\nmodel gru hidden=8\nset jobs=2 log_every=0\nsweep hidden=96,4 steps=4000\n' >"$tmp/kill.lab"
TMPDIR="$tmp/tk" "$bin" --batch "$tmp/kill.lab" >"$tmp/out" 2>&1 &
main=$!
for i in $(seq 100); do w=$(pgrep -f "$tmp/tk/rnnlab-sweep-.*/run-01.lab"); [ -n "$w" ] && break; sleep 0.1; done
[ -n "$w" ] && kill -KILL $w
wait $main; st=$?
check "a worker killed is its row" 1 "hidden=96  *-  *-  failed: killed by signal 9" "$tmp/out"
check "... and the run here goes on" 1 "^  hidden=4  *[0-9]" "$tmp/out"
printf 'data adding T=20 n=400\nmodel gru hidden=8\nset jobs=2 log_every=0\nsweep hidden=8,16,24 steps=10000000\n' >"$tmp/term.lab"
# (its autosave goes to the test's directory, not the user's state directory)
TMPDIR="$tmp/tk" XDG_STATE_HOME="$tmp/state" "$bin" --batch "$tmp/term.lab" >"$tmp/out" 2>&1 &
main=$!
for i in $(seq 100); do pgrep -f "$tmp/tk/rnnlab-sweep-.*/run-02.lab" >/dev/null && break; sleep 0.1; done
kill -TERM $main
wait $main; st=$?
sleep 0.2
check "SIGTERM stops a parallel sweep" 143 "sweep: stopped; 0 of 3 runs had finished, the others were stopped" "$tmp/out"
if pgrep -f "$tmp/tk/" >/dev/null || [ -n "$(ls -A "$tmp/tk")" ]; then
	fail=$((fail + 1)); echo "FAIL: a worker or its directory outlived the sweep"; else pass=$((pass + 1)); fi
"$bin" -c 'set jobs=0' >"$tmp/out" 2>&1; st=$?
check "set jobs=0" 1 "set: jobs must be auto (one run per core) or a whole number from 1 to 256, got '0'" "$tmp/out"
"$bin" -c 'set jobs=3; set jobs=auto; show config' >"$tmp/out" 2>&1; st=$?
check "set jobs=auto" 0 "^  jobs  *auto " "$tmp/out"
"$bin" -c 'data adding T=20 n=400; model gru hidden=8; sweep jobs=1,2 steps=3' >"$tmp/out" 2>&1; st=$?
check "jobs is not swept" 1 "sweep: jobs says how many runs go at once, it is not swept: set jobs=N, then sweep" "$tmp/out"
"$bin" -c 'data adding T=20 n=400; model gru hidden=8; sweep hidden=4,8 steps=3 emit=' >"$tmp/out" 2>&1; st=$?
check "emit= needs a directory" 1 "sweep: emit needs a directory: emit=DIR (new or empty)" "$tmp/out"
"$bin" -c 'data adding T=20 n=400; model gru hidden=8; sweep hidden=4,"8 9" steps=3' >"$tmp/out" 2>&1; st=$?
check "a value is one word" 1 "sweep: hidden: bad value '8 9' (a value is one word" "$tmp/out"
"$bin" -c 'data adding T=20 n=400; model gru hidden=8; train 2; sweep record 0123456789abcdef 1' >"$tmp/out" 2>&1; st=$?
check "record is a script's" 1 "sweep: sweep record writes beside the script it is in" "$tmp/out"
case "$bin" in
*/san/*) ;;
*)	# under a memory limit the workers check OpenBLAS's room too: trains, or one line each, never a hang
	(ulimit -v 700000; timeout -s KILL 60 "$bin" -c "data adding T=20 n=400; model gru hidden=8; \
		set log_every=0 jobs=2; sweep hidden=8,16 steps=3") >"$tmp/out" 2>&1; st=$?
	check "ulimit -v: a parallel sweep trains" 0 "^  hidden=8  *[0-9]" "$tmp/out"
	(ulimit -v 150000; timeout -s KILL 30 "$bin" -c "data adding T=20 n=400; model gru hidden=8; \
		set log_every=0 jobs=2; sweep hidden=8,16 steps=3") >"$tmp/out" 2>&1; st=$?
	check "ulimit -v too small: the worker's row says so" 1 "hidden=8  *-  *-  failed: train: the memory limit" "$tmp/out"
	;;
esac

# bash completion inside -c '...': commands, sweep's words and set's keys,
# from rnnlab's own help (completion/rnnlab.bash)
compl() {	# compl TEXT: what Tab offers for rnnlab -c TEXT
	bash -c '. completion/rnnlab.bash; COMP_WORDS=("$1" -c "$2"); COMP_CWORD=2; _rnnlab; printf "[%s]\n" "${COMPREPLY[@]}"' \
		_ "$bin" "$1" 2>&1
}
{ compl "'sw"; compl "'data adding; sweep co"; compl "'set jo"; compl "'sweep hidden=4,8 em"; } >"$tmp/out"; st=0
check "completion: a command" 0 "^\['sweep \]$" "$tmp/out"
check "completion: sweep collect" 0 "^\['data adding; sweep collect \]$" "$tmp/out"
check "completion: set jobs=" 0 "^\['set jobs=\]$" "$tmp/out"
check "completion: sweep's emit=" 0 "^\['sweep hidden=4,8 emit=\]$" "$tmp/out"
# lessons by name, from another directory: rnnlab 02<Tab>, -c 'run 16<Tab>, once each
mkdir -p "$tmp/cdir"
(cd "$tmp/cdir" && env "$lenv" bash -c '. "$2/completion/rnnlab.bash"; COMP_WORDS=("$1" 02); COMP_CWORD=1; _rnnlab; printf "[%s]\n" "${COMPREPLY[@]}"' \
	_ "$abs" "$OLDPWD") >"$tmp/out" 2>&1; st=0
check "completion: a lesson by name from another directory" 0 "^\[02-vanishing.lab\]$" "$tmp/out"
(cd "$tmp/cdir" && env "$lenv" bash -c '. "$2/completion/rnnlab.bash"; COMP_WORDS=("$1" -c "'"'"'run 16"); COMP_CWORD=2; _rnnlab; printf "[%s]\n" "${COMPREPLY[@]}"' \
	_ "$abs" "$OLDPWD") >"$tmp/out" 2>&1; st=0
check "completion: run's lesson names inside -c" 0 "^\['run 16-the-cliff.lab \]$" "$tmp/out"

# Determinism: the same script and seed give the same weights, byte for byte
# (exports use a fixed zip date, so cmp compares them), whatever
# OPENBLAS_NUM_THREADS says: rnnlab holds OpenBLAS to one thread.  `set
# threads=2` splits each batch in two; it repeats bit for bit, but it sums the
# two halves' gradients in another order than one thread does, so its weights
# differ from threads=1 in the last bits (test_train's test_threads bounds it),
# and with dropout each worker draws its half's masks from its own stream.
cat >"$tmp/det.lab" <<LAB
data adding T=20 n=400
set seed=7 batch=16 log_every=0 teacher_forcing=0.5
model lstm hidden=16 layers=2 dropout=0.2
train 30
export $tmp/lstm.npz force
data reverse len=8 n=400
model seq2seq cell=gru hidden=16 embed=8 attention=general
train 20
export $tmp/s2s.npz force
LAB
# distill in batch mode: the job runs inside the command; a bad line stops the
# script at its line, with the teacher still the model; man and help have it
cat >"$tmp/distill.lab" <<'LAB'
data order T=20 n=400
set seed=3 batch=16 log_every=0 val_every=0 val_size=64
model gru hidden=16
train 20
try distill hidden=4 T=0
expect error "T (the temperature) must be from 0.01 to 100"
expect steps == 20
distill hidden=4 cell=lstm T=2 alpha=0.8 steps=10
expect steps == 10
expect distill gain > -1
model show
quantize int8
runs
distill hidden=2 baseline=bogus
LAB
"$bin" --batch "$tmp/distill.lab" >"$tmp/out" 2>&1; st=$?
check "distill: who teaches whom" 1 "^distill: gru 16x1 (1316 parameters) teaches lstm 4x1 (244 parameters) for 10 steps at T=2 alpha=0.8" "$tmp/out"
check "distill: the table, the teacher's size and loss" 1 "^  teacher  gru 16x1  *1316  *5.1 KiB  *[0-9.]*$" "$tmp/out"
check "distill: the table, the student's" 1 "^  student  lstm 4x1  *244  *1.0 KiB  *[0-9.]*  5.39x smaller" "$tmp/out"
check "distill: the table, the same student alone" 1 "^  alone    lstm 4x1  *244  *1.0 KiB  *[0-9.]*  the same student without" "$tmp/out"
check "distill: model show says where it came from" 1 "^  distilled from gru hidden=16" "$tmp/out"
check "distill: then quantize" 1 "^quantize int8: 208 weights to 8 bits" "$tmp/out"
check "distill: three runs" 1 "lstm hidden=4 alone" "$tmp/out"
check "distill: a bad value stops the script at its line" 1 "distill.lab:14: distill: baseline must be on or off, got 'bogus'" "$tmp/out"
"$bin" --man >"$tmp/out" 2>&1; st=$?
check "the man page has distill" 0 "distill hidden=N" "$tmp/out"

det() {	# det NAME [set threads=N]: run det.lab, keep the exports as NAME.*
	{ [ -n "${2:-}" ] && echo "$2"; cat "$tmp/det.lab"; } >"$tmp/det-run.lab"
	"$bin" --batch "$tmp/det-run.lab" >"$tmp/out" 2>&1; st=$?
	mv "$tmp/lstm.npz" "$tmp/$1.lstm.npz" 2>/dev/null
	mv "$tmp/s2s.npz" "$tmp/$1.s2s.npz" 2>/dev/null
}
same() {	# same NAME A B: both exports of both runs are the same bytes
	if [ "$st" = 0 ] && cmp -s "$tmp/$2.lstm.npz" "$tmp/$3.lstm.npz" &&
	   cmp -s "$tmp/$2.s2s.npz" "$tmp/$3.s2s.npz"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1 (status $st; $2 and $3 differ or are missing)"
		sed 's/^/    /' "$tmp/out"
	fi
}
OPENBLAS_NUM_THREADS=1 det a
OPENBLAS_NUM_THREADS=1 det b
same "two runs, same weights" a b
OPENBLAS_NUM_THREADS=2 det c
same "OPENBLAS_NUM_THREADS=2, same weights" a c
det d "set threads=2"
det e "set threads=2"
same "threads=2 twice, same weights" d e

# Colour (issue 21): through a pipe auto is none, and says why; set colour=
# overrides (the escapes printed: 256-colour series, 24-bit maps); SVG files
# are in the screen's colours wherever stdout goes, and without with NO_COLOR.
esc=$(printf '\033')
"$bin" -c "show colour; data adding T=10 n=100; model lstm hidden=4; train 2; plot loss" >"$tmp/out" 2>&1; st=$?
check "colour through a pipe: none, and why" 0 "^  colour        none (shades and dot patterns): colour=auto, the output is not a terminal$" "$tmp/out"
grep -q "$esc" "$tmp/out" && st=9
check "... and no escapes printed" 0 "loss" "$tmp/out"
"$bin" -c "data adding T=10 n=100; model lstm hidden=4; train 2; set colour=256; plot loss; set colour=truecolor; gates" >"$tmp/out" 2>&1; st=$?
check "set colour=256: the first series in Okabe-Ito sky blue, xterm 74" 0 "$esc\[0;38;5;74m" "$tmp/out"
check "set colour=truecolor: the gates in 24-bit viridis" 0 "$esc\[0;48;2;[0-9]*;[0-9]*;[0-9]*m " "$tmp/out"
NO_COLOR=1 "$bin" -c "show colour" >"$tmp/out" 2>&1; st=$?
check "NO_COLOR: show says so" 0 "colour=auto, NO_COLOR is set$" "$tmp/out"
"$bin" -c "set colour=16" >"$tmp/out" 2>&1; st=$?
check "set colour=16: one line, the choices" 1 "^rnnlab: set: unknown colour '16' (choices: auto, truecolor, 256, 8, none)$" "$tmp/out"
"$bin" -c "data adding T=10 n=100; model lstm hidden=4; train 2; plot loss --svg $tmp/loss.svg; plot gates --svg $tmp/gates.svg" >"$tmp/out" 2>&1; st=$?
check "SVG through a pipe: the series in the screen's colours" 0 'stroke="#56b4e9"' "$tmp/loss.svg"
check "... the input gate's colour bar is viridis" 0 'stop offset="0.00" stop-color="#440154"' "$tmp/gates-0.svg"
check "... the candidate's is RdBu, white at zero" 0 'stop offset="0.50" stop-color="#f7f7f7"' "$tmp/gates-2.svg"
NO_COLOR=1 "$bin" -c "data adding T=10 n=100; model lstm hidden=4; train 2; plot loss --svg $tmp/loss.svg" >"$tmp/out" 2>&1; st=$?
grep -q 'stroke="#56b4e9"' "$tmp/loss.svg" && st=9
check "NO_COLOR: the SVG's lines are dark, told apart by dashes" 0 'stroke="#222222"' "$tmp/loss.svg"

echo "batch.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
