#!/usr/bin/env python3
"""The PyTorch reference for `rnnlab --bench`: the same work, timed the same way.

    OPENBLAS_NUM_THREADS=N /usr/bin/python3 bench/torch_bench.py cell=lstm hidden=128 threads=N

nn.LSTM/GRU/RNN(in, hidden) + nn.Linear(hidden, hidden) at every step + MSELoss +
Adam, on random data (time-major [seq, batch, in]), a few warm-up steps, then
`steps` timed training steps.  Prints `tokens/s: N` last (tokens = seq x batch).
Set OPENBLAS_NUM_THREADS as well as threads=: torch.set_num_threads alone does not
reach an OpenBLAS-backed build.  Run with Debian's python3-torch (/usr/bin/python3).

    /usr/bin/python3 bench/torch_bench.py vanishing [flush=0|1]

The vanishing regime instead: lesson 2's model (tanh RNN, hidden 64, on the adding
problem at T=100, batch 64, head on the last step, MSE, Adam lr 1e-2, clip 1) for
1,000 steps; prints the tokens/s of steps 1-100 and of steps 901-1000, with
torch.set_flush_denormal(flush) (PyTorch's default keeps subnormals).
"""
import sys
import time

import torch


def main(argv):
    cfg = dict(cell="lstm", hidden=128, batch=32, seq=64, steps=50, warmup=3, threads=1)
    cfg["in"] = None
    for a in argv:
        k, _, v = a.partition("=")
        if k not in cfg:
            sys.exit(f"torch_bench: unknown key {k!r} (keys: {', '.join(cfg)})")
        cfg[k] = v if k == "cell" else int(v)
    H = cfg["hidden"]
    I = cfg["in"] or H
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(1234)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cfg["cell"]](I, H)
    head = torch.nn.Linear(H, H)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(cfg["seq"], cfg["batch"], I) * 2 - 1
    y = torch.rand(cfg["seq"], cfg["batch"], H) * 2 - 1
    lossf = torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = lossf(head(out), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(cfg["warmup"]):
        step()
    t0 = time.perf_counter()
    for _ in range(cfg["steps"]):
        loss = step()
    dt = time.perf_counter() - t0
    tok = cfg["seq"] * cfg["batch"] * cfg["steps"] / dt
    print(f"torch {torch.__version__}: cell={cfg['cell']} in={I} hidden={H} batch={cfg['batch']} "
          f"seq={cfg['seq']} steps={cfg['steps']} threads={cfg['threads']} final loss {loss:.4f}")
    print(f"tokens/s: {tok:.0f}")


def adding_batch(T, B):
    """The adding problem: (value, marker) per step, one marker in each half."""
    x = torch.zeros(T, B, 2)
    x[:, :, 0] = torch.rand(T, B)
    i = torch.randint(0, T // 2, (B,))
    j = torch.randint(T // 2, T, (B,))
    cols = torch.arange(B)
    x[i, cols, 1] = 1
    x[j, cols, 1] = 1
    y = (x[i, cols, 0] + x[j, cols, 0]).unsqueeze(1)
    return x, y


def vanishing(argv):
    flush = 0
    for a in argv:
        k, _, v = a.partition("=")
        if k != "flush":
            sys.exit(f"torch_bench vanishing: unknown key {k!r} (keys: flush)")
        flush = int(v)
    torch.set_num_threads(1)
    torch.set_flush_denormal(bool(flush))
    torch.manual_seed(1)
    T, B, H = 100, 64, 64
    rnn = torch.nn.RNN(2, H)
    head = torch.nn.Linear(H, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-2)
    lossf = torch.nn.MSELoss()
    rates = {}
    t0 = time.perf_counter()
    for step in range(1, 1001):
        x, y = adding_batch(T, B)
        opt.zero_grad()
        out, _ = rnn(x)
        loss = lossf(head(out[-1]), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 100 == 0:
            t1 = time.perf_counter()
            rates[step] = T * B * 100 / (t1 - t0)
            t0 = t1
    print(f"torch {torch.__version__}: vanishing regime, flush_denormal={bool(flush)}, loss {loss.item():.4f}")
    print(f"tokens/s at step 100: {rates[100]:.0f}")
    print(f"tokens/s at step 1000: {rates[1000]:.0f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["vanishing"]:
        vanishing(sys.argv[2:])
    else:
        main(sys.argv[1:])
