#!/bin/sh
# layout.sh — the shape of the tree, checked on the built objects:
#   1. no upward call: every symbol an object in src/L uses is defined in L
#      or in a folder L stands on (the Makefile's INC_L lists, the same ones
#      that narrow the include paths), so the folders form no cycle;
#   2. no source file in src/ or ui/ is over 1,000 lines;
#   3. every source file opens with a comment that says what it holds.
#
#   RNNLAB_BUILD=build/rel sh tests/layout.sh    (make test sets it)
B=${RNNLAB_BUILD:-build/rel}
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

layers=$(sed -n 's/^LAYERS *:= *//p' Makefile)
[ -n "$layers" ] || { echo "layout: no LAYERS in the Makefile"; exit 1; }

# symbol -> defining folder, over every object of every folder
for l in $layers; do
	for o in "$B"/src/$l/*.o; do
		[ -e "$o" ] || { echo "layout: no objects in $B/src/$l (build first)"; exit 1; }
		nm -g --defined-only "$o" | awk -v l="$l" 'NF == 3 { print $3, l }'
	done
done | sort -u >"$tmp/defs"

calls=0
for l in $layers; do
	allowed=$(sed -n "s/^INC_$l *:= *//p" Makefile)
	[ -n "$allowed" ] || { echo "layout: no INC_$l in the Makefile"; fail=1; continue; }
	for o in "$B"/src/$l/*.o; do
		nm -u "$o" | awk '{ print $NF }' | sort -u >"$tmp/undef"
		join "$tmp/undef" "$tmp/defs" >"$tmp/uses"
		calls=$((calls + $(wc -l <"$tmp/uses")))
		while read -r sym owner; do
			case " $allowed " in
			*" $owner "*) ;;
			*) echo "layout: $o ($l) calls $sym of src/$owner, a folder above it (INC_$l: $allowed)"
			   fail=1 ;;
			esac
		done <"$tmp/uses"
	done
done
echo "layout: $calls calls between objects of src/, none upward" | { [ $fail = 0 ] && cat || true; }

for f in src/*/*.[ch] ui/*.[ch]; do
	n=$(wc -l <"$f")
	if [ "$n" -gt 1000 ]; then
		echo "layout: $f has $n lines (at most 1000)"
		fail=1
	fi
	if ! head -1 "$f" | grep -q '^/\* '; then
		echo "layout: $f does not open with a comment saying what it holds"
		fail=1
	fi
done
[ $fail = 0 ] && echo "layout: $(ls src/*/*.[ch] ui/*.[ch] | wc -l) files, each under 1000 lines and opening with its comment"
exit $fail
