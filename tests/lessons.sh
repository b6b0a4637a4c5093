#!/bin/sh
# lessons.sh — run every lesson (scenarios/*.lab) headless and print a table:
# lesson, checks passed, seconds.  A lesson fails when any `expect` does not
# hold (or any command errs).  `make lessons` runs them in full; `make test`
# runs them with RNNLAB_FAST=1, which skips only the lines marked `full`
# (never an `expect`).  Under the sanitizers (a build/san binary) they are
# skipped: they exercise the code the unit tests cover, thirty times slower.
# With lesson files as arguments it runs only those (make test runs each
# lesson as its own part, two at a time: tests/run.sh).
#
# With LESSONS_TUI=1 (make test sets it) each lesson then runs again in the
# workbench, as a lecturer runs it: in tmux, Space pressed at every pause,
# the log written with --log.  It must reach its end with the same `expect`
# results, value for value, as in batch mode.
bin=${RNNLAB_BIN:-./rnnlab}
export RNNLAB_FAST=${RNNLAB_FAST:-1}	# make lessons sets 0
case "$bin" in
*/san/*) echo "lessons.sh: skipped under SAN=1 (make lessons runs them); 0 passed, 0 failed"; exit 0 ;;
esac
tui=${LESSONS_TUI:-0}
if [ "$tui" = 1 ] && ! command -v tmux >/dev/null 2>&1; then
	echo "lessons.sh: LESSONS_TUI=1 needs tmux, which is not installed; 0 passed, 1 failed"
	exit 1
fi
pass=0
fail=0
tmp=$(mktemp -d)
sock=rnnlab-lessons-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT	# dash runs the EXIT trap only on a normal exit
trap 'exit 143' TERM HUP
out=$tmp/batch.out
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
top=$(pwd)

# workbench FILE: run the lesson in the workbench into $tmp/tui.log; 0 when it
# reached its end, 1 when it stopped at an error, 2 on a timeout, 3 when
# rnnlab exited (or crashed) before the end.  It runs in $tmp: whatever it
# writes, an autosave included, never lands in the tree.
workbench() {
	log=$tmp/tui.log
	rm -f "$log"
	tmux -L $sock kill-server 2>/dev/null
	tmux -L $sock new-session -d -x 120 -y 40 -s main \
		"cd '$tmp' && HOME='$tmp' TERM=xterm-256color RNNLAB_DATA='$top/scenarios/data' '$abs_bin' --log '$log' '$top/$1'; echo EXITED \$?; sleep 600"
	limit=$(( ${LESSONS_TUI_SECONDS:-600} * 5 ))
	i=0
	r=2
	while [ $i -lt $limit ]; do
		if [ -e "$log" ]; then
			if grep -q -- '^-- end of ' "$log"; then r=0; break; fi
			if grep -q -- 'the script stopped' "$log"; then r=1; break; fi
		fi
		tmux -L $sock capture-pane -p -t main >"$tmp/screen" 2>/dev/null
		if grep -q '^EXITED ' "$tmp/screen"; then r=3; break; fi
		if head -1 "$tmp/screen" | grep -q 'Space goes on'; then
			tmux -L $sock send-keys -t main Space
		fi
		sleep 0.2
		i=$((i + 1))
	done
	# leave cleanly: quit (twice: with trained steps no file holds, the first
	# only asks), and wait for rnnlab to be gone before the server is, so no
	# autosave of a SIGHUP lands in $tmp while it is being removed
	tmux -L $sock send-keys -t main C-u "quit" Enter "quit" Enter 2>/dev/null
	i=0
	while [ $i -lt 50 ] && ! tmux -L $sock capture-pane -p -t main 2>/dev/null | grep -q '^EXITED '; do
		sleep 0.1
		i=$((i + 1))
	done
	tmux -L $sock capture-pane -p -t main >"$tmp/screen" 2>/dev/null
	tmux -L $sock kill-server 2>/dev/null
	return $r
}

[ "$RNNLAB_FAST" = 1 ] && echo "(fast mode: lines marked \`full\` are skipped; make lessons runs everything)"
printf '%-28s %8s %8s  %s\n' lesson checks seconds result
[ $# -gt 0 ] || set -- scenarios/[0-9]*.lab
for f in "$@"; do
	[ -e "$f" ] || continue
	start=$(date +%s.%N)
	"$bin" --batch "$f" >"$out" 2>&1
	st=$?
	end=$(date +%s.%N)
	secs=$(awk "BEGIN { print $end - $start }")
	checks=$(grep -c '^  ok: ' "$out")
	if [ "$st" = 0 ]; then
		result=ok
	else
		result="FAILED: $(grep 'rnnlab: ' "$out" | tail -1 | sed 's/^rnnlab: //')"
	fi
	if [ "$st" = 0 ] && [ "$tui" = 1 ]; then
		t0=$(date +%s.%N)
		workbench "$f"
		w=$?
		t1=$(date +%s.%N)
		wsecs=$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")
		grep '^  ok: ' "$out" >"$tmp/want"
		grep '^  ok: ' "$tmp/tui.log" >"$tmp/got" 2>/dev/null
		if [ $w = 2 ]; then
			result="FAILED in the workbench: no end after ${LESSONS_TUI_SECONDS:-600} s; its log ends:"
		elif [ $w = 3 ]; then
			result="FAILED in the workbench: rnnlab $(grep '^EXITED ' "$tmp/screen" | head -1) before the lesson's end; its log ends:"
		elif [ $w = 1 ]; then
			result="FAILED in the workbench: $(grep -B1 'the script stopped' "$tmp/tui.log" | head -1)"
		elif ! cmp -s "$tmp/want" "$tmp/got"; then
			result="FAILED in the workbench: its expect results differ from batch mode:"
		else
			result="ok, and in the workbench ($wsecs s)"
		fi
	fi
	case "$result" in
	ok*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	printf '%-28s %8s %8.1f  %s\n' "$(basename "$f" .lab)" "$checks" "$secs" "$result"
	case "$result" in
	*"differ from batch"*) diff "$tmp/want" "$tmp/got" | sed 's/^/    /' ;;
	*"log ends:"*) tail -5 "$tmp/tui.log" 2>/dev/null | sed 's/^/    | /' ;;
	esac
done
echo "lessons: $pass passed, $fail failed"
[ "$fail" = 0 ]
