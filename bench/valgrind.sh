#!/bin/sh
# valgrind.sh — `make valgrind`: memcheck over every cmocka suite, a short
# batch session (one round of each of the soak's eight models: training,
# seq2seq, save/load, import/export, rewind, plots, quantize) and a short
# workbench session in tmux.  Any memcheck error, or memory definitely or
# indirectly lost, fails it.  (Still-reachable and possibly-lost blocks are
# ncurses', readline's and OpenBLAS's own caches, made once; they are not
# counted.)  It takes a while:
# memcheck runs the code some 30 times slower.
set -u
bin=${RNNLAB_BIN:-./rnnlab}
tests=${VALGRIND_TESTS:-$(ls build/rel/tests/test_* 2>/dev/null | grep -v '\.[od]$')}
dir=$(mktemp -d)
trap 'tmux -L rnnlab-vg kill-server 2>/dev/null; rm -rf "$dir"' EXIT
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
export OPENBLAS_NUM_THREADS=1
# OpenBLAS's SSE3 kernels: memcheck runs its AVX2/FMA ones ten times slower
# still, and it is rnnlab's code under test, not OpenBLAS's.
export OPENBLAS_CORETYPE=Prescott
pass=0
fail=0
check() {	# check NAME STATUS LOG
	if [ "$2" = 0 ] && ! grep -q '^==[0-9]*==' "$3"; then
		pass=$((pass + 1))
		printf '%-28s ok\n' "$1"
	else
		fail=$((fail + 1))
		printf '%-28s FAILED (status %s)\n' "$1" "$2"
		grep '^==[0-9]*==' "$3" | head -20
	fi
}

for t in $tests; do
	$vg "$t" >"$dir/out" 2>"$dir/vg"
	check "$(basename "$t")" $? "$dir/vg"
done

{ echo "set val_size=32"; SOAK_DIR=$dir SOAK_STEPS=10 sh bench/soak.sh script 8; } >"$dir/short.lab"
$vg "$bin" --batch "$dir/short.lab" >"$dir/out" 2>"$dir/vg"
check "batch session (8 models)" $? "$dir/vg"

if command -v tmux >/dev/null; then
	abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
	HOME=$dir tmux -L rnnlab-vg new-session -d -s rnnlab-vg -x 120 -y 40 \
		"cd $dir && $vg --log-file=$dir/tui.vg $abs_bin; echo \$? >$dir/tui.rc"
	keys() { tmux -L rnnlab-vg send-keys -t rnnlab-vg "$@"; }
	sleep 15
	keys "data adding T=20; model lstm hidden=32; train 30" Enter
	sleep 40
	for k in F3 F4 F5 F6 F7 F1 Escape F2; do keys "$k"; sleep 3; done
	tmux -L rnnlab-vg resize-window -t rnnlab-vg -x 80 -y 24; sleep 3
	tmux -L rnnlab-vg resize-window -t rnnlab-vg -x 120 -y 40; sleep 3
	keys "step 2" Enter; sleep 5
	keys "quit" Enter; sleep 3	# the first asks: the trained run is not saved
	keys "quit" Enter
	i=0
	while [ ! -e "$dir/tui.rc" ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	check "workbench session" "$(cat "$dir/tui.rc" 2>/dev/null || echo hung)" "$dir/tui.vg"
fi
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
