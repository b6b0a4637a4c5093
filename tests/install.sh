#!/bin/sh
# install.sh — `make install` as a lab administrator uses it (issue 20): into
# a scratch DESTDIR, then from another directory the installed binary finds
# its lessons and data, runs lesson 1 by number and by name, its man page
# renders without a warning, its bash completion loads, and `make uninstall`
# removes every file install put there.  Run from the top of the tree by
# tests/run.sh (make test); the sub-make inherits SAN= from the make above.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

dest=$tmp/root
if make --no-print-directory -s install DESTDIR="$dest" >"$tmp/out" 2>&1; then ok; else
	bad "make install DESTDIR=..."; sed 's/^/    /' "$tmp/out"; echo "install.sh: $pass passed, $fail failed"; exit 1; fi
bin=$(find "$dest" -path '*/bin/rnnlab' -type f)
share=$(dirname "$(dirname "$bin")")/share
n=$(ls scenarios/[0-9]*-*.lab | wc -l)

for f in "$share/man/man1/rnnlab.1" "$share/doc/rnnlab/README.md" "$share/bash-completion/completions/rnnlab" \
	"$share/rnnlab/scenarios/01-meet-the-rnn.lab" "$share/rnnlab/scenarios/data/sunspots.csv"; do
	if [ -f "$f" ]; then ok; else bad "make install did not put ${f#"$dest"}"; fi
done

# From another directory, with no lesson directory of the tree in reach.
(cd / && env -u RNNLAB_LESSONS -u RNNLAB_DATA "$bin" --version) >"$tmp/out" 2>&1
if grep -q "^lessons: $n in $dest/.*share/rnnlab/scenarios$" "$tmp/out"; then ok; else
	bad "--version from / does not find the $n installed lessons:"; sed 's/^/    /' "$tmp/out"; fi
for how in "-c|run 1" "--batch|01-meet-the-rnn" "--batch|01-meet-the-rnn.lab"; do
	(cd / && env -u RNNLAB_LESSONS -u RNNLAB_DATA "$bin" --fast ${how%%|*} "${how#*|}" </dev/null) >"$tmp/out" 2>&1
	st=$?
	if [ $st = 0 ] && grep -q "^Next: lesson 2" "$tmp/out"; then ok; else
		bad "lesson 1 from / (rnnlab ${how%%|*} ${how#*|}): status $st"; tail -5 "$tmp/out" | sed 's/^/    /'; fi
done
(cd / && env -u RNNLAB_LESSONS -u RNNLAB_DATA "$bin" -c "data sunspots") >"$tmp/out" 2>&1
if grep -q "^data sunspots" "$tmp/out"; then ok; else
	bad "the installed data from /:"; sed 's/^/    /' "$tmp/out"; fi

# The man page: groff without a warning, and man renders its sections.
if command -v groff >/dev/null; then
	groff -ww -man -z "$share/man/man1/rnnlab.1" >"$tmp/out" 2>&1
	if [ -s "$tmp/out" ]; then bad "groff warns about the installed man page:"; sed 's/^/    /' "$tmp/out"; else ok; fi
fi
if command -v man >/dev/null; then
	MANPAGER=cat MANWIDTH=80 man -l "$share/man/man1/rnnlab.1" >"$tmp/out" 2>/dev/null
	for sec in NAME SYNOPSIS OPTIONS COMMANDS KEYS ENVIRONMENT FILES "EXIT STATUS" EXAMPLE; do
		if grep -q "^$sec" "$tmp/out"; then ok; else bad "man rnnlab has no $sec section"; fi
	done
	# every option an entry of its own; nothing wider than the terminal
	for o in --plain --batch -c --bench --ascii --fast "--seed-shift N" "--log FILE" "--max-commands N, --max-output MB" \
		--version --man "--help, -h"; do
		if grep -q "^       $o\( \|$\)" "$tmp/out"; then ok; else bad "man rnnlab: no entry for $o"; fi
	done
	LC_ALL=C MANPAGER=cat MANWIDTH=80 man -l "$share/man/man1/rnnlab.1" 2>/dev/null | LC_ALL=C awk 'length > 80' >"$tmp/wide"
	if [ -s "$tmp/wide" ]; then bad "man rnnlab has lines wider than 80 columns:"; sed 's/^/    /' "$tmp/wide"; else ok; fi
fi

# The completion loads in bash and completes the lessons.
if command -v bash >/dev/null; then
	bash -c ". '$share/bash-completion/completions/rnnlab' && complete -p rnnlab" >"$tmp/out" 2>&1
	if grep -q "complete .* rnnlab" "$tmp/out"; then ok; else bad "the bash completion does not load:"; sed 's/^/    /' "$tmp/out"; fi
fi

# make uninstall removes exactly what install put there.
make --no-print-directory -s uninstall DESTDIR="$dest" >"$tmp/out" 2>&1
left=$(find "$dest" -type f)
if [ -z "$left" ]; then ok; else bad "make uninstall left files:"; echo "$left" | sed 's/^/    /'; fi

echo "install.sh: $pass passed, $fail failed"
[ $fail = 0 ]
