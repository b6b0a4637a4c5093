#!/bin/sh
# run.sh — `make bench`: rnnlab against PyTorch on the same work, per row of the
# performance table (one layer, in = hidden, batch 32, seq 64, head H->H, MSE,
# Adam).  Each side runs at 1 and 2 threads and its best is kept.  Benchmarks are
# measurements, not tests: run them on a quiet machine.  PyTorch runs with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (this machine sets them for old
# OpenBLAS builds; they slow PyTorch's); rnnlab keeps the environment it is given.
bin=${RNNLAB_BIN:-./rnnlab}
steps=${BENCH_STEPS:-40}
py=/usr/bin/python3
have_torch=0
if [ -x $py ] && $py -c 'import torch' 2>/dev/null; then have_torch=1; fi
best() {	# best "CMD..." over threads 1 and 2: prints "tokens threads"
	b=0; bt=1
	for th in 1 2; do
		v=$(eval "$1 threads=$th" 2>/dev/null | sed -n 's/^tokens\/s: //p')
		[ -n "$v" ] || continue
		if awk "BEGIN { exit !($v > $b) }"; then b=$v; bt=$th; fi
	done
	echo "$b $bt"
}
gflop() {	# gflop CELL H TOKENS: the GEMM work per token x tokens/s
	g=1; [ "$1" = lstm ] && g=4; [ "$1" = gru ] && g=3
	awk "BEGIN { print 3 * (2 * $g * $2 * ($2 + $2) + 2 * $2 * $2) * $3 / 1000000000 }"
}
# The machine: which BLAS kernels run, and whether subnormals are flushed.
"$bin" --version | sed -n 's/^\(BLAS\|CPU\|floats\): */rnnlab \1: /p'
printf '%-10s %12s %4s %8s %12s %4s %8s %7s\n' config rnnlab thr GFLOP/s pytorch thr GFLOP/s ratio
for c in lstm gru rnn; do
	for h in 64 128 256; do
		set -- $(best "$bin --bench cell=$c in=$h hidden=$h batch=32 seq=64 steps=$steps")
		r=$1 rt=$2
		if [ $have_torch = 1 ]; then
			b=0; bt=1
			for th in 1 2; do
				v=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$th $py bench/torch_bench.py cell=$c hidden=$h steps=$steps threads=$th 2>/dev/null | sed -n 's/^tokens\/s: //p')
				[ -n "$v" ] || continue
				if awk "BEGIN { exit !($v > $b) }"; then b=$v; bt=$th; fi
			done
			ratio=$(awk "BEGIN { printf \"%.2f\", $r / $b }")
			printf '%-10s %12.0f %4s %8.1f %12.0f %4s %8.1f %6sx\n' "$c $h" "$r" "$rt" "$(gflop $c $h $r)" \
				"$b" "$bt" "$(gflop $c $h $b)" "$ratio"
		else
			printf '%-10s %12.0f %4s %8.1f %12s %4s %8s %7s\n' "$c $h" "$r" "$rt" "$(gflop $c $h $r)" - - - -
		fi
	done
done
[ $have_torch = 1 ] || echo "(PyTorch not found: apt-get install python3-torch for the reference columns)"

# The vanishing regime: lesson 2's tanh RNN (adding T=100, hidden 64, batch 64,
# Adam 1e-2, clip 1).  Its gradients and Adam's second moments sink into the
# subnormal range as it trains; with subnormals flushed it keeps its speed.
echo
echo "vanishing regime (lesson 2's tanh RNN, 1 thread): tokens/s over steps 1-100 and 901-1000"
printf '%-28s %12s %12s %8s\n' "" "step 100" "step 1000" slowdown
v=$("$bin" -c "data adding T=100; set seed=1 optim=adam lr=1e-2 batch=64 clip=1 log_every=100 val_every=0 val_size=0; model rnn hidden=64; train 1000" 2>&1)
a=$(echo "$v" | awk '$1 == "step" && $2 == 100 { for (i = 1; i <= NF; i++) if ($(i+1) == "tok/s") print $i }')
b=$(echo "$v" | awk '$1 == "step" && $2 == 1000 { for (i = 1; i <= NF; i++) if ($(i+1) == "tok/s") print $i }')
if [ -n "$a" ] && [ -n "$b" ]; then
	printf '%-28s %12.0f %12.0f %7.1fx\n' "rnnlab (flushed)" "$a" "$b" "$(awk "BEGIN { print $a / $b }")"
else
	echo "rnnlab: the run printed no tokens/s at step 100 and 1000:"; echo "$v" | tail -3
fi
if [ $have_torch = 1 ]; then
	for f in 0 1; do
		v=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 $py bench/torch_bench.py vanishing flush=$f 2>/dev/null)
		a=$(echo "$v" | sed -n 's/^tokens\/s at step 100: //p')
		b=$(echo "$v" | sed -n 's/^tokens\/s at step 1000: //p')
		[ -n "$a" ] && [ -n "$b" ] || continue
		name="pytorch (subnormals kept)"; [ $f = 1 ] && name="pytorch (set_flush_denormal)"
		printf '%-28s %12.0f %12.0f %7.1fx\n' "$name" "$a" "$b" "$(awk "BEGIN { print $a / $b }")"
	done
fi

# The work the lessons and users run (issue 19): the char LM, seq2seq, a long sequence.
echo
echo "the work users run, beside PyTorch (bench/workloads.sh):"
RNNLAB_BIN="$bin" BENCH_STEPS=${BENCH_STEPS:-20} sh bench/workloads.sh
