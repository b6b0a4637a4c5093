#!/usr/bin/env bash
# lessons-matrix.sh — `make lessons-matrix`: every lesson's claims on several
# OpenBLAS cores and several seeds.  A claim that holds on one machine's
# rounding or one seed only is a bug (DESIGN.md); this is how we find them.
#
# Each run is `OPENBLAS_CORETYPE=CORE rnnlab --seed-shift K --batch LESSON` in
# the fast mode (which skips only `full` lines, never an `expect`): shift 0 is
# the lesson's own seed, 1..4 add that much to every `set seed=`.  A different
# core sums the GEMMs in a different order, which is what another CPU does.
#
# Prints one row per lesson x core x seed (every claim's measured value), then
# one row per claim: runs passed, the worst measured value against the claim,
# and its margin (the worst value's distance from the threshold, as a ratio).
# The rows are also written to build/lessons-matrix.txt, the claims to
# build/lessons-matrix-claims.txt.
#
#   MATRIX_CORES="Haswell SkylakeX"  MATRIX_SHIFTS="0 1"  MATRIX_LESSONS="02 09"
#   MATRIX_JOBS=2 (default: the number of CPUs)
#   MATRIX_REPORT_ONLY=1: no runs, the report of the runs already in
#   build/lessons-matrix/ (a partial re-run keeps the other lessons' runs)
set -u
bin=${RNNLAB_BIN:-./rnnlab}
cores=${MATRIX_CORES:-Haswell SkylakeX Cooperlake Zen}
shifts=${MATRIX_SHIFTS:-0 1 2 3 4}
jobs=${MATRIX_JOBS:-$(nproc 2>/dev/null || echo 2)}
outdir=build/lessons-matrix
mkdir -p "$outdir"

lessons=()
for f in scenarios/[0-9]*.lab; do
	n=$(basename "$f" .lab)
	if [ -n "${MATRIX_LESSONS:-}" ]; then
		keep=0
		for w in $MATRIX_LESSONS; do case "$n" in "$w"*) keep=1 ;; esac; done
		[ $keep = 1 ] || continue
	fi
	lessons+=("$f")
done

# The work list.
runlist=()
for f in "${lessons[@]}"; do
	for c in $cores; do
		for k in $shifts; do
			runlist+=("$f $c $k")
		done
	done
done

run_one() {	# LESSON CORE SHIFT
	local f=$1 c=$2 k=$3 n
	n=$(basename "$f" .lab)
	local out="$outdir/$n.$c.$k.out" t0 t1
	rm -f "$out"
	t0=$(date +%s.%N)
	OPENBLAS_CORETYPE=$c OPENBLAS_NUM_THREADS=1 RNNLAB_FAST=1 "$bin" --seed-shift "$k" --batch "$f" >"$out" 2>&1
	echo "exit $?" >>"$out"
	t1=$(date +%s.%N)
	awk "BEGIN { printf \"seconds %.1f\n\", $t1 - $t0 }" >>"$out"
}

start=$(date +%s)
running=0
[ -n "${MATRIX_REPORT_ONLY:-}" ] && runlist=()
for r in "${runlist[@]}"; do
	set -- $r
	run_one "$1" "$2" "$3" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

# Report: claims are the lesson's `expect` lines in order; the Nth "ok:" line
# of a run answers the Nth claim, a failure names its line.
table=build/lessons-matrix.txt
{
printf '%-18s %-10s %5s %6s  %s\n' lesson core seed result "measured (claim)"
for f in "${lessons[@]}"; do
	n=$(basename "$f" .lab)
	for c in $cores; do
		for k in $shifts; do
			out="$outdir/$n.$c.$k.out"
			[ -e "$out" ] || continue
			awk -v lesson="$n" -v core="$c" -v shift="$k" -v lab="$f" '
			BEGIN {
				while ((getline line < lab) > 0) {
					ln++
					if (line ~ /^[ \t]*expect[ \t]/) { nclaim++; claimline[nclaim] = ln
						sub(/^[ \t]*expect[ \t]+/, "", line); claim[nclaim] = line }
				}
			}
			/^  ok: / { got++; v = $0; sub(/^  ok: /, "", v); val[got] = v }
			/^exit / { status = $2 }
			/^seconds / { secs = $2 }
			/expect: / && /rnnlab: / { failmsg = $0; sub(/^.*expect: /, "", failmsg) }
			END {
				res = (status == 0 && got == nclaim) ? "ok" : "FAIL"
				s = ""
				for (i = 1; i <= nclaim; i++) {
					if (i <= got) s = s "  " val[i]
					else if (i == got + 1 && failmsg != "") s = s "  FAILED: " failmsg
					else s = s "  (not reached: " claim[i] ")"
				}
				printf "%-18s %-10s %5s %6s %s  [%ss]\n", lesson, core, "+" shift, res, s, secs
			}' "$out"
		done
	done
done
} | tee "$table"

echo
echo "Per claim, over cores {$cores} x seed shifts {$shifts}:"
claims=build/lessons-matrix-claims.txt
awk '
NR == 1 { next }
{
	lesson = $1
	line = $0
	sub(/^[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+  /, "", line)
	sub(/  \[[0-9.]+s\]$/, "", line)
	n = split(line, part, /  /)
	for (i = 1; i <= n; i++) {
		key = lesson "#" i
		if (!(key in runs)) { order[++nk] = key; name[key] = lesson }
		runs[key]++
		sub(/^ +/, "", part[i])
		p = part[i]
		# "best_val = 0.1532 > 0.12" (held) or "FAILED: best_val is 0.1552, not < 0.12"
		held = 1; v = ""
		if (p ~ /^FAILED/) {
			held = 0; fails[key]++; if (!(key in failtext)) failtext[key] = p
			if (match(p, / is [-+0-9.eE]+, not (<|<=|>|>=|==) [-+0-9.eE]+/)) {
				m = substr(p, RSTART + 4); gsub(/,/, "", m); split(m, w, " ")
				v = w[1]; op = w[3]; th = w[4]
				nm = substr(p, 9, RSTART - 9)
			}
		} else if (p ~ /^\(not reached/) {
			fails[key]++; if (!(key in failtext)) failtext[key] = p
			if (!(key in what)) { what[key] = p; sub(/^\(not reached: /, "", what[key]); sub(/\)$/, "", what[key]) }
			continue
		} else if (match(p, / = [-+0-9.eE]+ (<|<=|>|>=|==) [-+0-9.eE]+$/)) {
			m = substr(p, RSTART + 3); split(m, w, " ")
			v = w[1]; op = w[2]; th = w[3]
			nm = substr(p, 1, RSTART - 1)
		}
		if (held) pass[key]++
		if (v == "") { if (!(key in what)) what[key] = p; continue }
		what[key] = nm " " op " " th
		v += 0; th += 0
		# the worst run: closest to (or past) the threshold
		bad = (op ~ /</) ? v : -v
		if (!(key in worst) || bad > worstkey[key]) { worstkey[key] = bad; worst[key] = v; wop[key] = op; wth[key] = th }
	}
}
END {
	printf "%-18s %-34s %7s %12s %10s\n", "lesson", "claim", "held", "worst", "margin"
	for (i = 1; i <= nk; i++) {
		k = order[i]
		mg = "-"; wv = "-"
		if (k in worst) {
			wv = sprintf("%.4g", worst[k])
			v = worst[k]; th = wth[k]
			if (wop[k] ~ /</ && v > 0) mg = sprintf("x%.3g", th / v)
			else if (wop[k] ~ />/ && th > 0) mg = sprintf("x%.3g", v / th)
			else if (wop[k] == "==") mg = "exact"
		}
		printf "%-18s %-34s %3d/%-3d %12s %10s%s\n", name[k], substr(what[k], 1, 34), pass[k], runs[k], wv, mg,
			(k in failtext) ? "  first failure: " failtext[k] : ""
	}
}' "$table" | tee "$claims"
fails=$(awk 'NR > 1 && $4 == "FAIL"' "$table" | wc -l)
total=$(( $(wc -l <"$table") - 1 ))
echo "lessons-matrix: $((total - fails)) passed, $fails failed ($(( $(date +%s) - start )) s)"
[ "$fails" = 0 ]
