#!/bin/sh
# workloads.sh — `make bench`, second table: the work the lessons and users run, rnnlab
# beside PyTorch doing the same work (bench/torch_workloads.py), at 1 and 2 threads.
#
#   charlm CELL H   `data shakespeare seq=64`, `model CELL hidden=H embed=65` (the width of
#                   a one-hot input), batch 32, RMSprop lr 2e-3
#   charlm lstm 256x2  the same with two layers
#   s2s             lesson 10's run: `data reverse len=20`, seq2seq lstm 128, embed 32, dot
#                   attention, batch 64, Adam
#   long full|ckpt  `data adding T=1000`, lstm 128, batch 16, full and checkpointed BPTT
#
# rnnlab runs the real engine through a batch script (data filling included) and reports
# the tok/s of its log; tokens are what that log counts (seq x batch; seq2seq: target
# positions x batch).  GFLOP/s is the GEMM work per token (forward; backward twice it)
# times tokens/s, against the machine's measured sgemm peak at the same thread count.
# Benchmarks are measurements, not tests: run them on a quiet machine.
bin=${RNNLAB_BIN:-./rnnlab}
steps=${BENCH_STEPS:-20}
py=/usr/bin/python3
have_torch=0
if [ -x $py ] && $py -c 'import torch' 2>/dev/null; then have_torch=1; fi

peak1=$(OPENBLAS_NUM_THREADS=1 "$bin" --bench peak | sed -n 's/^sgemm GFLOP\/s: //p')
peak2=$(OPENBLAS_NUM_THREADS=2 "$bin" --bench peak | sed -n 's/^sgemm GFLOP\/s: //p')
echo "sgemm peak: $peak1 GFLOP/s on 1 thread, $peak2 on 2 (1024 x 1024 products)"

# rnnlab_tps SETUP THREADS: tokens/s of the timed `train` after a warm-up
rnnlab_tps() {
	"$bin" -c "$1; set threads=$2 log_every=100000 val_every=0; train 3; train $steps" 2>&1 |
		awk '$1 == "step" { for (i = 1; i < NF; i++) if ($(i + 1) == "tok/s") v = $i } END { print v }'
}
torch_tps() {	# torch_tps WORKLOAD THREADS [ARGS]
	w=$1 th=$2
	shift 2
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$th \
		$py bench/torch_workloads.py "$w" threads=$th steps=$steps "$@" 2>/dev/null | sed -n 's/^tokens\/s: //p'
}
# flop per token (forward): a stack of L layers of cell CELL, H units, input I, head H x O
stack_flop() {	# CELL H I L O
	awk -v c="$1" -v H="$2" -v I="$3" -v L="$4" -v O="$5" 'BEGIN {
		g = c == "lstm" ? 4 : c == "gru" ? 3 : 1; f = 0
		for (k = 0; k < L; k++) f += 2 * g * H * ((k ? H : I) + H)
		print f + 2 * H * O }'
}
row() {	# row NAME FLOP_PER_TOKEN R1 R2 P1 P2
	awk -v n="$1" -v f="$2" -v r1="$3" -v r2="$4" -v p1="$5" -v p2="$6" -v k1="$peak1" -v k2="$peak2" 'BEGIN {
		r = r1 > r2 ? r1 : r2; rt = r1 > r2 ? 1 : 2; k = rt == 1 ? k1 : k2
		g = 3 * f * r / 1e9
		if (p1 == "" && p2 == "")
			printf "%-22s %10.0f %10.0f %5.1f %5.0f%% %10s %10s %7s\n", n, r1, r2, g, 100 * g / k, "-", "-", "-"
		else {
			p = p1 > p2 ? p1 : p2
			printf "%-22s %10.0f %10.0f %5.1f %5.0f%% %10.0f %10.0f %6.2fx\n", n, r1, r2, g, 100 * g / k, p1, p2, r / p
		}
	}'
}
printf '%-22s %10s %10s %5s %6s %10s %10s %7s\n' workload "rnnlab 1t" "rnnlab 2t" GF/s "%peak" "torch 1t" "torch 2t" ratio
for c in lstm gru rnn; do
	for h in 128 256; do
		setup="data shakespeare seq=64; set seed=1 batch=32 optim=rmsprop lr=2e-3 val_size=0; model $c hidden=$h embed=65"
		r1=$(rnnlab_tps "$setup" 1) r2=$(rnnlab_tps "$setup" 2) p1= p2=
		[ $have_torch = 1 ] && p1=$(torch_tps charlm 1 cell=$c hidden=$h) && p2=$(torch_tps charlm 2 cell=$c hidden=$h)
		row "charlm $c $h" "$(stack_flop $c $h 65 1 65)" "$r1" "$r2" "$p1" "$p2"
	done
done
setup="data shakespeare seq=64; set seed=1 batch=32 optim=rmsprop lr=2e-3 val_size=0; model lstm hidden=256 layers=2 embed=65"
r1=$(rnnlab_tps "$setup" 1) r2=$(rnnlab_tps "$setup" 2) p1= p2=
[ $have_torch = 1 ] && p1=$(torch_tps charlm 1 cell=lstm hidden=256 layers=2) && p2=$(torch_tps charlm 2 cell=lstm hidden=256 layers=2)
row "charlm lstm 256x2" "$(stack_flop lstm 256 65 2 65)" "$r1" "$r2" "$p1" "$p2"
# seq2seq: per target position, the encoder's step (S ~ T), the decoder's, the attention
# (scores and context over S = 20), W_c and the head
setup="data reverse len=20; set seed=1 batch=64 optim=adam lr=2e-3 val_size=0; model seq2seq cell=lstm hidden=128 embed=32 attention=dot"
r1=$(rnnlab_tps "$setup" 1) r2=$(rnnlab_tps "$setup" 2) p1= p2=
[ $have_torch = 1 ] && p1=$(torch_tps s2s 1) && p2=$(torch_tps s2s 2)
f=$(awk -v e="$(stack_flop lstm 128 32 1 0)" -v d="$(stack_flop lstm 128 32 1 30)" 'BEGIN { print e * 20 / 21 + d + 4 * 20 * 128 + 4 * 128 * 128 }')
row "s2s lstm 128 dot" "$f" "$r1" "$r2" "$p1" "$p2"
for mode in full checkpoint; do
	setup="data adding T=1000 n=400; set seed=1 batch=16 optim=adam lr=1e-3 val_size=0 bptt=$mode; model lstm hidden=128"
	r1=$(rnnlab_tps "$setup" 1) r2=$(rnnlab_tps "$setup" 2) p1= p2=
	# PyTorch has no checkpointed row: its full BPTT is the reference for both
	[ $have_torch = 1 ] && p1=$(torch_tps long 1) && p2=$(torch_tps long 2)
	row "long T=1000 $mode" "$(stack_flop lstm 128 2 1 0)" "$r1" "$r2" "$p1" "$p2"
done
[ $have_torch = 1 ] || echo "(PyTorch not found: apt-get install python3-torch for the reference columns)"
