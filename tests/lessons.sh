#!/bin/sh
# lessons.sh — run every lesson (scenarios/*.lab) headless and print a table:
# lesson, checks passed, seconds.  A lesson fails when any `expect` does not
# hold (or any command errs).  `make lessons` runs them in full; `make test`
# runs them with RNNLAB_FAST=1, which skips only the lines marked `full`
# (never an `expect`).  Under the sanitizers (a build/san binary) they are
# skipped: they exercise the code the unit tests cover, thirty times slower.
# With lesson files as arguments it runs only those (make test runs each
# lesson as its own part, two at a time: tests/run.sh).
bin=${RNNLAB_BIN:-./rnnlab}
export RNNLAB_FAST=${RNNLAB_FAST:-1}	# make lessons sets 0
case "$bin" in
*/san/*) echo "lessons.sh: skipped under SAN=1 (make lessons runs them); 0 passed, 0 failed"; exit 0 ;;
esac
pass=0
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
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
		pass=$((pass + 1))
	else
		result="FAILED: $(grep 'rnnlab: ' "$out" | tail -1 | sed 's/^rnnlab: //')"
		fail=$((fail + 1))
	fi
	printf '%-28s %8s %8.1f  %s\n' "$(basename "$f" .lab)" "$checks" "$secs" "$result"
done
echo "lessons: $pass passed, $fail failed"
[ "$fail" = 0 ]
