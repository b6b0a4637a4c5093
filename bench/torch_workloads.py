#!/usr/bin/env python3
"""PyTorch's side of bench/workloads.sh: the work the lessons and users run.

    OPENBLAS_NUM_THREADS=N /usr/bin/python3 bench/torch_workloads.py WORKLOAD threads=N steps=S [key=value...]

WORKLOAD is one of
  charlm  cell=lstm|gru|rnn hidden=H layers=L  a character LM as `data shakespeare seq=64`
          with `model CELL hidden=H embed=65`: nn.Embedding(65, 65), the recurrent
          layers, nn.Linear(H, 65) at every step, cross-entropy, RMSprop lr 2e-3,
          batch 32, seq 64
  s2s     lesson 10's run: reversal of up to 20 letters (S=20, T=21), nn.Embedding(30, 32)
          for source and target, an LSTM 128 encoder and decoder, Luong dot attention,
          tanh(W_c [c; h]), nn.Linear(128, 30), cross-entropy with PAD ignored, Adam lr
          2e-3, batch 64, teacher forcing
  long    `data adding T=1000` with `model lstm hidden=128`: nn.LSTM(2, 128), the head
          nn.Linear(128, 1) on the last step, MSE, Adam, batch 16 (full BPTT)

Random data of the right shapes and vocabularies (the time per step does not depend on
the values).  A few warm-up steps, then `steps` timed steps; prints `tokens/s: N` last,
tokens counted as rnnlab's log counts them: seq x batch (charlm), target positions x
batch (s2s: T=21), T x batch (long).
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def charlm(cfg):
    V, E, H, B, T = 65, 65, cfg["hidden"], 32, 64
    emb = nn.Embedding(V, E)
    rnn = CELLS[cfg["cell"]](E, H, num_layers=cfg["layers"])
    head = nn.Linear(H, V)
    params = list(emb.parameters()) + list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.RMSprop(params, lr=2e-3)
    x = torch.randint(0, V, (T, B))
    y = torch.randint(0, V, (T, B))

    def step():
        opt.zero_grad()
        out, _ = rnn(emb(x))
        loss = F.cross_entropy(head(out).reshape(T * B, V), y.reshape(T * B))
        loss.backward()
        opt.step()
    return step, T * B


class Seq2Seq(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.src_embed = nn.Embedding(V, E)
        self.tgt_embed = nn.Embedding(V, E)
        self.encoder = nn.LSTM(E, H)
        self.decoder = nn.LSTM(E, H)
        self.attn = nn.Linear(2 * H, H, bias=False)
        self.head = nn.Linear(H, V)

    def forward(self, src, tgt_in):
        hbar, state = self.encoder(self.src_embed(src))          # [S,B,H]
        h, _ = self.decoder(self.tgt_embed(tgt_in), state)       # [T,B,H]
        score = torch.einsum("tbh,sbh->bts", h, hbar)
        score = score.masked_fill((src == 0).t().unsqueeze(1), float("-inf"))
        a = torch.softmax(score, dim=-1)
        ctx = torch.einsum("bts,sbh->tbh", a, hbar)
        return self.head(torch.tanh(self.attn(torch.cat([ctx, h], dim=-1))))


def s2s(cfg):
    V, E, H, B, S, T = 30, 32, 128, 64, 20, 21
    model = Seq2Seq(V, E, H)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    src = torch.randint(4, V, (S, B))
    tgt_in = torch.randint(4, V, (T, B))
    tgt_out = torch.randint(4, V, (T, B))
    for b in range(B):  # lengths 5..20, padded at the end, as `data reverse len=20`
        n = 5 + b % 16
        src[n:, b] = 0
        tgt_in[n + 1:, b] = 0
        tgt_out[n + 1:, b] = 0

    def step():
        opt.zero_grad()
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(T * B, V), tgt_out.reshape(T * B), ignore_index=0)
        loss.backward()
        opt.step()
    return step, T * B


def long(cfg):
    T, B, H = 1000, 16, 128
    rnn = nn.LSTM(2, H)
    head = nn.Linear(H, 1)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.rand(T, B, 2)
    y = torch.rand(B, 1)

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = F.mse_loss(head(out[-1]), y)
        loss.backward()
        opt.step()
    return step, T * B


def main(argv):
    if not argv or argv[0] not in ("charlm", "s2s", "long"):
        sys.exit("usage: torch_workloads.py charlm|s2s|long threads=N steps=S [cell= hidden= layers=]")
    cfg = dict(cell="lstm", hidden=128, layers=1, threads=1, steps=20, warmup=3)
    for a in argv[1:]:
        k, _, v = a.partition("=")
        if k not in cfg:
            sys.exit(f"torch_workloads: unknown key {k!r} (keys: {', '.join(cfg)})")
        cfg[k] = v if k == "cell" else int(v)
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(1234)
    step, tokens = {"charlm": charlm, "s2s": s2s, "long": long}[argv[0]](cfg)
    for _ in range(cfg["warmup"]):
        step()
    t0 = time.perf_counter()
    for _ in range(cfg["steps"]):
        step()
    dt = time.perf_counter() - t0
    print(f"tokens/s: {tokens * cfg['steps'] / dt:.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
