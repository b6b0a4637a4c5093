#!/usr/bin/env python3
"""The PyTorch reference for `rnnlab --bench`: the same work, timed the same way.

    OPENBLAS_NUM_THREADS=N /usr/bin/python3 bench/torch_bench.py cell=lstm hidden=128 threads=N

nn.LSTM/GRU/RNN(in, hidden) + nn.Linear(hidden, hidden) at every step + MSELoss +
Adam, on random data (time-major [seq, batch, in]), a few warm-up steps, then
`steps` timed training steps.  Prints `tokens/s: N` last (tokens = seq x batch).
Set OPENBLAS_NUM_THREADS as well as threads=: torch.set_num_threads alone does not
reach an OpenBLAS-backed build.  Run with Debian's python3-torch (/usr/bin/python3).
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


if __name__ == "__main__":
    main(sys.argv[1:])
