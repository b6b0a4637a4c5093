#!/usr/bin/env bash
# run.sh — `make test`: every part of the suite, TEST_JOBS at a time (default:
# the number of CPUs), each part's output printed whole when it ends.  Parts:
# each cmocka binary, each shell suite, each lesson (lessons.sh), each fuzz
# replay.  The slowest parts of the previous run start first, so two cores
# finish together.  Prints the total time and the five slowest parts last.
#
#   tests/run.sh BUILD_DIR BIN     (the Makefile passes build/rel ./rnnlab)
set -u
B=${1:-build/rel}
BIN=${2:-./rnnlab}
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
logs=$B/test-logs
times=$B/test-times.txt
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.st "$logs"/*.sec "$logs"/*.done	# a new run prints every part again

# name<TAB>command, one per part
parts=()
for t in "$B"/tests/test_*; do
	case "$t" in *.o | *.d) continue ;; esac
	[ -x "$t" ] && parts+=("$(basename "$t")	OPENBLAS_NUM_THREADS=1 RNNLAB_BIN=$BIN $t")
done
for s in tests/batch.sh tests/tui.sh tests/layout.sh tests/install.sh; do
	parts+=("$(basename "$s")	RNNLAB_BIN=$BIN RNNLAB_BUILD=$B sh $s")
done
case "$B" in
*san*)	parts+=("lessons	RNNLAB_BIN=$BIN sh tests/lessons.sh") ;;	# prints why it skips
*)	for f in scenarios/[0-9]*.lab; do
		parts+=("$(basename "$f" .lab)	LESSONS_TUI=1 RNNLAB_BIN=$BIN sh tests/lessons.sh $f")
	done ;;
esac
for n in cmd npy npz session csv text lab; do
	parts+=("replay_$n	OPENBLAS_NUM_THREADS=1 $B/fuzz/replay_$n tests/fuzz/corpus/$n tests/fuzz/crashes/$n")
done

# Longest first, by the last run's seconds (unknown parts first of all).
order=$(for p in "${parts[@]}"; do
	n=${p%%	*}
	s=$(awk -v n="$n" '$1 == n { print $2 }' "$times" 2>/dev/null)
	printf '%s\t%s\n' "${s:-99999}" "$p"
done | sort -t '	' -k1,1 -g -r | cut -f2-)

start=$(date +%s.%N)
run_part() {	# NAME CMD
	local t0 t1
	t0=$(date +%s.%N)
	bash -c "$2" >"$logs/$1.log" 2>&1
	echo $? >"$logs/$1.st"
	t1=$(date +%s.%N)
	awk "BEGIN { printf \"%.1f\n\", $t1 - $t0 }" >"$logs/$1.sec"
}
report() {	# print the parts that finished and were not printed yet
	local st
	for f in "$logs"/*.st; do
		[ -e "$f" ] || continue
		n=$(basename "$f" .st)
		[ -e "$logs/$n.done" ] && continue
		[ -e "$logs/$n.sec" ] || continue
		touch "$logs/$n.done"
		st=$(cat "$f")
		echo "== $n ($(cat "$logs/$n.sec") s$([ "$st" = 0 ] || echo ", FAILED: exit $st"))"
		cat "$logs/$n.log"
	done
}
running=0
while IFS= read -r p; do
	[ -n "$p" ] || continue
	run_part "${p%%	*}" "${p#*	}" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
		report
	fi
done <<<"$order"
wait
report

total=$(awk "BEGIN { printf \"%.0f\", $(date +%s.%N) - $start }")
pass=0 fail=0 failed=""
: >"$times.new"
for p in "${parts[@]}"; do
	n=${p%%	*}
	printf '%s %s\n' "$n" "$(cat "$logs/$n.sec")" >>"$times.new"
	if [ "$(cat "$logs/$n.st")" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $n"; fi
done
mv "$times.new" "$times"
echo
echo "make test: $total s on $jobs jobs; the five slowest parts:"
sort -k2 -g -r "$times" | head -5 | awk '{ printf "  %-22s %7.1f s\n", $1, $2 }'
[ -z "$failed" ] || echo "failed:$failed"
echo "parts: $pass passed, $fail failed"
[ "$fail" = 0 ]
