#!/bin/sh
# mutate.sh — `make mutate`: mutation testing.  Each mutant of tests/mutants.txt
# is applied alone to a scratch copy of the tree (build/mutate/tree), built
# incrementally, and run against the fast suites (every cmocka binary,
# batch.sh, tui.sh); a mutant is killed when a suite fails, and the first
# suite that failed is named.  Prints a table and the score.  Not part of
# `make test`: run it before resolving a testing issue and after large
# changes.  MUTANTS="1 3" runs only those entries (1-based).
#
# A mutant whose meaning starts with "equivalent:" is one we claim no test
# can kill (the meaning says why): it is still applied and run; surviving,
# it is reported as equiv and left out of the score; killed, the claim was
# wrong, and it counts as killed with a note to correct its meaning.
set -u
top=$(pwd)
work=$top/build/mutate
tree=$work/tree
rm -rf "$tree"
mkdir -p "$tree"
tar --exclude=./build --exclude=./.git --exclude='./rnnlab' -cf - . | (cd "$tree" && tar xf -)
(cd "$tree" && make -j2 >"$work/build.log" 2>&1) || { echo "mutate.sh: the unmutated tree does not build"; exit 1; }
tests=$(cd "$tree" && make -s -j2 $(ls tests/test_*.c | sed 's|tests/\(.*\)\.c|build/rel/tests/\1|') >/dev/null 2>&1;
	ls "$tree"/build/rel/tests/ | grep -v '\.[do]$')
suites() {	# the first failing suite, or nothing (its output in build/mutate/NAME.log; stdin is
		# not the list: a test reads /dev/stdin)
	for t in $tests; do
		(cd "$tree" && timeout 300 "build/rel/tests/$t" >"$work/$t.log" 2>&1 </dev/null) || { echo "$t"; return; }
	done
	(cd "$tree" && timeout 300 sh tests/batch.sh >"$work/batch.log" 2>&1 </dev/null) || { echo batch.sh; return; }
	(cd "$tree" && RNNLAB_BIN=./rnnlab timeout 600 sh tests/tui.sh >"$work/tui.log" 2>&1 </dev/null) || { echo tui.sh; return; }
}
n=0 killed=0 total=0 equiv=0
# entries: file, find, replace, meaning, blank
awk 'BEGIN { RS = ""; FS = "\n" } !/^#/ { gsub(/\t/, "\\t"); print $1 "\x1f" $2 "\x1f" $3 "\x1f" $4 }' tests/mutants.txt \
	>"$work/list"
printf '%-4s %-8s %-22s %s\n' '#' result 'killed by' mutant
while IFS=$(printf '\037') read -r file find repl what; do
	n=$((n + 1))
	case " ${MUTANTS:-$n} " in *" $n "*) ;; *) continue ;; esac
	case $what in equivalent:*) claimed=1 ;; *) claimed=0 ;; esac
	total=$((total + 1))
	cp "$top/$file" "$tree/$file"
	if ! FIND=$(printf '%b' "$find") REPL=$(printf '%b' "$repl") perl -0777 -i -e '
		$_ = <>; my $c = () = /\Q$ENV{FIND}\E/g;
		if ($c != 1) { print; exit 3 } s/\Q$ENV{FIND}\E/$ENV{REPL}/; print' "$tree/$file"; then
		printf '%-4s %-8s %-22s %s\n' "$n" 'NOMATCH' '-' "$what ($file)"
		cp "$top/$file" "$tree/$file"
		continue
	fi
	if ! (cd "$tree" && make -s -j2 $(echo "$tests" | sed 's|^|build/rel/tests/|') rnnlab >/dev/null 2>&1); then
		result=killed by=build
	else
		by=$(suites)
		if [ -n "$by" ]; then result=killed; else result=SURVIVED by=-; fi
	fi
	if [ "$claimed" = 1 ] && [ "$result" = killed ]; then
		what="$what  [declared equivalent, but killed: correct its meaning]"
	elif [ "$claimed" = 1 ]; then
		result=equiv total=$((total - 1)) equiv=$((equiv + 1))
	fi
	[ "$result" = killed ] && killed=$((killed + 1))
	printf '%-4s %-8s %-22s %s\n' "$n" "$result" "$by" "$what"
	cp "$top/$file" "$tree/$file"
	touch "$tree/$file"
done <"$work/list"
echo "mutate.sh: $killed of $total mutants killed ($((total - killed)) survived); $equiv equivalent (survived as claimed, not counted)"
[ "$killed" = "$total" ]
