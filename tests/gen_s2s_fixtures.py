#!/usr/bin/python3
"""Generate the seq2seq reference cases in tests/fixtures/s2s/<case>.npz.

Run from the repository root with Debian's Python (python3-torch, python3-numpy):

    /usr/bin/python3 tests/gen_s2s_fixtures.py

The C suite (tests/test_seq2seq.c, tests/test_cmd_s2s.c) reads the committed files and
never runs this script.

Each case builds the Seq2Seq module below -- DESIGN.md's model, written with PyTorch's own
modules (nn.Embedding, nn.RNN/LSTM/GRU, nn.Linear) -- with PyTorch's default init after
torch.manual_seed(seed), runs one teacher-forced forward + backward pass on a small padded
batch, and writes, in one file:

  config        int32 [cell, src_vocab, tgt_vocab, embed, hidden, layers, attention]
                cell 0=rnn 1=lstm 2=gru; attention 0=none 1=dot 2=general
  weights       the module's state_dict: src_embed.weight, tgt_embed.weight,
                encoder.{weight_ih,weight_hh,bias_ih,bias_hh}_l{k}, decoder.* likewise,
                attn.weight [H, 2H], attn_score.weight [H, H] (general), head.weight,
                head.bias -- float32
  probe input   src [S,B], tgt_in [T,B], tgt_out [T,B]: token ids (int64 or int32),
                exactly as the `probe` IN.npz of a seq2seq model
  probe output  output [T,B,V] logits, h_n (and c_n) [L,B,H] of the decoder, loss (0-d),
                dh [T,B,H], attn [T,B,S] (with attention), grad.<name> -- as OUT.npz
  enc_dh        [S,B,H] the total derivative of the loss with respect to each top-layer
                encoder state hbar_s (unrolled loop, as dh)
  enc_dh_attn   [S,B,H] the part of it that came straight through the attention (the
                attention reads hbar + Z with Z = 0; this is Z's gradient); zeros without
                attention.  enc_dh - enc_dh_attn came through the recurrence.

Ids: 0 PAD, 1 BOS, 2 EOS, 3 UNK, symbols from 4.  tgt_in = BOS + target, tgt_out =
target + EOS, both padded with PAD; the loss is cross-entropy with ignore_index=0; source
positions holding PAD get score -inf before the softmax.

output/h_n/c_n/loss/attn/grad.* are the module's float32 values.  dh, the TOTAL derivative
of the loss with respect to each top-layer decoder state h_t (through the attention and
head at t AND through every later timestep), cannot be read from nn.LSTM (the grad of its
output sequence holds only the direct part), so each case is run again through a
hand-unrolled float64 loop of DESIGN.md's equations, from the same weights, with
retain_grad() on every top-layer decoder h_t.  The script asserts that this loop
reproduces the module's output, h_n, c_n, loss, attention and every parameter gradient,
and that dh at the last step equals the module's direct gradient there, before it writes.

A file whose arrays would not change is left untouched (no git churn).
"""

import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "fixtures", "s2s")

CELLS = {"rnn": 0, "lstm": 1, "gru": 2}
ATTNS = {"none": 0, "dot": 1, "general": 2}
PAD, BOS, EOS = 0, 1, 2
TOL = 1e-5  # |unrolled - module| <= TOL * max(1, max|module|), per array


def case(name, cell, attn, S, T, B, *, Vs=9, Vt=8, E=3, H=4, L=1, pad="ends",
         id_dtype="int64", compressed=False, note=""):
    return dict(name=name, cell=cell, attn=attn, S=S, T=T, B=B, Vs=Vs, Vt=Vt, E=E, H=H, L=L,
                pad=pad, id_dtype=id_dtype, compressed=compressed, note=note)


CASES = [
    case("rnn_none", "rnn", "none", S=5, T=4, B=3, note="tanh RNN, no attention, padded"),
    case("rnn_dot_2layer", "rnn", "dot", S=6, T=5, B=3, L=2, note="2-layer RNN, dot, padded"),
    case("rnn_general_full", "rnn", "general", S=4, T=4, B=2, pad="none", id_dtype="int32",
         note="RNN, general, no padding anywhere, int32 ids"),
    case("lstm_none_2layer", "lstm", "none", S=5, T=5, B=3, L=2, note="2-layer LSTM, no attention, padded"),
    case("lstm_dot", "lstm", "dot", S=6, T=4, B=4, id_dtype="int32",
         note="LSTM, dot, padded, int32 ids"),
    case("lstm_general_2layer", "lstm", "general", S=5, T=6, B=3, L=2, compressed=True,
         note="2-layer LSTM, general, padded; deflated npz"),
    case("gru_none", "gru", "none", S=4, T=5, B=3, note="GRU, no attention, padded"),
    case("gru_dot_2layer", "gru", "dot", S=5, T=4, B=3, L=2, E=4, H=3,
         note="2-layer GRU, dot, padded, E > H"),
    case("gru_general_holes", "gru", "general", S=6, T=5, B=4, pad="holes",
         note="GRU, general; PAD inside sources too, one target all PAD (unscored sequence)"),
    case("lstm_dot_s1t1b1", "lstm", "dot", S=1, T=1, B=1, pad="none",
         note="S=T=B=1: LSTM, dot"),
]


class Seq2Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        E, H, L = c["E"], c["H"], c["L"]
        self.src_embed = nn.Embedding(c["Vs"], E)
        self.tgt_embed = nn.Embedding(c["Vt"], E)
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[c["cell"]]
        self.encoder = rnn(E, H, num_layers=L)
        self.decoder = rnn(E, H, num_layers=L)
        if c["attn"] != "none":
            self.attn = nn.Linear(2 * H, H, bias=False)
        if c["attn"] == "general":
            self.attn_score = nn.Linear(H, H, bias=False)
        self.head = nn.Linear(H, c["Vt"])
        self.kind = c["attn"]

    def forward(self, src, tgt_in):
        hbar, state = self.encoder(self.src_embed(src))          # [S,B,H]
        dec, state_n = self.decoder(self.tgt_embed(tgt_in), state)  # [T,B,H]
        dec.retain_grad()
        a = None
        if self.kind == "none":
            ht = dec
        else:
            keys = hbar if self.kind == "dot" else self.attn_score(hbar)
            scores = torch.einsum("tbh,sbh->tbs", dec, keys)
            scores = scores.masked_fill((src == PAD).t().unsqueeze(0), float("-inf"))
            a = torch.softmax(scores, dim=-1)                      # [T,B,S]
            ctx = torch.einsum("tbs,sbh->tbh", a, hbar)
            ht = torch.tanh(self.attn(torch.cat([ctx, dec], dim=-1)))
        return self.head(ht), state_n, a, dec


def make_inputs(c, g):
    S, T, B, Vs, Vt = c["S"], c["T"], c["B"], c["Vs"], c["Vt"]
    src = torch.zeros(S, B, dtype=torch.int64)
    tgt_in = torch.zeros(T, B, dtype=torch.int64)
    tgt_out = torch.zeros(T, B, dtype=torch.int64)
    for b in range(B):
        ls = S if c["pad"] == "none" or b == 0 else int(torch.randint(1, S + 1, (1,), generator=g))
        src[:ls, b] = torch.randint(4, Vs, (ls,), generator=g)
        if c["pad"] == "holes" and ls > 2:
            src[1, b] = PAD                                      # a PAD inside the source
        lt = T - 1 if c["pad"] == "none" or b == 0 else int(torch.randint(0, T, (1,), generator=g))
        y = torch.randint(4, Vt, (lt,), generator=g)
        tgt_in[0, b] = BOS
        tgt_in[1:lt + 1, b] = y
        tgt_out[:lt, b] = y
        tgt_out[lt, b] = EOS
        if c["pad"] == "holes" and b == B - 1:
            tgt_out[:, b] = PAD                                  # nothing scored in this sequence
    if T == 1 and c["pad"] == "none":                            # T=1: the single step emits EOS
        tgt_out[0, :] = EOS
    return {"src": src, "tgt_in": tgt_in, "tgt_out": tgt_out}


def loss_fn(logits, tgt_out):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1),
                           ignore_index=PAD)


def module_pass(c, model, inp):
    logits, state_n, a, dec = model(inp["src"], inp["tgt_in"])
    loss = loss_fn(logits, inp["tgt_out"])
    model.zero_grad()
    loss.backward()
    res = {"output": logits.detach(), "loss": loss.detach(), "direct_dh": dec.grad.detach()}
    if c["cell"] == "lstm":
        res["h_n"], res["c_n"] = state_n[0].detach(), state_n[1].detach()
    else:
        res["h_n"] = state_n.detach()
    if a is not None:
        res["attn"] = a.detach()
    res["grads"] = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    return res


def unrolled_pass(c, model, inp):
    """DESIGN.md's equations, step by step, in float64, from the module's weights."""
    dt = torch.float64
    P = {n: p.detach().to(dt).clone().requires_grad_(True) for n, p in model.named_parameters()}
    S, T, B, H, L = c["S"], c["T"], c["B"], c["H"], c["L"]
    src, tgt_in = inp["src"], inp["tgt_in"]

    def step(pre, k, x, h, cs):
        gi = x @ P[f"{pre}.weight_ih_l{k}"].T + P[f"{pre}.bias_ih_l{k}"]
        gh = h @ P[f"{pre}.weight_hh_l{k}"].T + P[f"{pre}.bias_hh_l{k}"]
        if c["cell"] == "rnn":
            return torch.tanh(gi + gh), cs
        if c["cell"] == "lstm":
            a = gi + gh
            i_g, f_g = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H])
            g_g, o_g = torch.tanh(a[:, 2 * H:3 * H]), torch.sigmoid(a[:, 3 * H:])
            cn = f_g * cs + i_g * g_g
            return o_g * torch.tanh(cn), cn
        r = torch.sigmoid(gi[:, :H] + gh[:, :H])
        z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        return (1 - z) * n + z * h, cs

    h = [torch.zeros(B, H, dtype=dt) for _ in range(L)]
    cs = [torch.zeros(B, H, dtype=dt) for _ in range(L)]
    xs = P["src_embed.weight"][src]
    hbar = []
    for s in range(S):
        x = xs[s]
        for k in range(L):
            h[k], cs[k] = step("encoder", k, x, h[k], cs[k])
            x = h[k]
        h[L - 1].retain_grad()      # its total derivative: attention, recurrence, decoder start
        hbar.append(h[L - 1])
    enc_tops = list(hbar)
    # the attention reads hbar + Z, Z = 0: Z.grad is the part that came straight through it
    Z = torch.zeros(S, B, H, dtype=dt, requires_grad=True)
    hbar = torch.stack(hbar) + Z                                # [S,B,H]
    xt = P["tgt_embed.weight"][tgt_in]
    tops, outs, atts = [], [], []
    mask = (src == PAD).t()                                     # [B,S]
    for t in range(T):
        x = xt[t]
        for k in range(L):
            h[k], cs[k] = step("decoder", k, x, h[k], cs[k])
            x = h[k]
        ht = h[L - 1]
        ht.retain_grad()
        tops.append(ht)
        if c["attn"] == "none":
            outs.append(ht @ P["head.weight"].T + P["head.bias"])
            continue
        keys = hbar if c["attn"] == "dot" else hbar @ P["attn_score.weight"].T
        sc = torch.einsum("bh,sbh->bs", ht, keys).masked_fill(mask, float("-inf"))
        a = torch.softmax(sc, dim=-1)
        ctx = torch.einsum("bs,sbh->bh", a, hbar)
        til = torch.tanh(torch.cat([ctx, ht], dim=-1) @ P["attn.weight"].T)
        atts.append(a)
        outs.append(til @ P["head.weight"].T + P["head.bias"])
    logits = torch.stack(outs)
    loss = loss_fn(logits, inp["tgt_out"])
    loss.backward()
    res = {"output": logits.detach(), "loss": loss.detach(), "h_n": torch.stack(h).detach(),
           "dh": torch.stack([x.grad for x in tops]).detach(),
           "enc_dh": torch.stack([x.grad for x in enc_tops]).detach(),
           "enc_dh_attn": Z.grad.detach() if Z.grad is not None else torch.zeros(S, B, H, dtype=dt)}
    if c["cell"] == "lstm":
        res["c_n"] = torch.stack(cs).detach()
    if atts:
        res["attn"] = torch.stack(atts).detach()
    res["grads"] = {n: p.grad.detach() for n, p in P.items()}
    return res


def discrepancy(a, b):
    a, b = a.double(), b.double()
    assert a.shape == b.shape, (a.shape, b.shape)
    diff = (a - b).abs().max().item() if a.numel() else 0.0
    return diff, max(1.0, b.abs().max().item() if b.numel() else 0.0)


def check(c, mod, unr):
    worst = 0.0
    names = ["output", "h_n", "loss"] + (["c_n"] if c["cell"] == "lstm" else []) + \
        (["attn"] if c["attn"] != "none" else [])
    pairs = [(n, unr[n], mod[n]) for n in names]
    pairs += [("grad." + n, unr["grads"][n], mod["grads"][n]) for n in mod["grads"]]
    pairs.append(("dh[T-1]", unr["dh"][-1], mod["direct_dh"][-1]))
    for n, a, b in pairs:
        d, s = discrepancy(a, b)
        if d > TOL * s:
            sys.exit(f"{c['name']}: unrolled loop disagrees with the module on {n}: "
                     f"max |diff| = {d:.3g} (scale {s:.3g})")
        worst = max(worst, d)
    if c["T"] > 1:  # the loss reaches earlier decoder states through time
        assert unr["dh"][:-1].abs().max().item() > 0, c["name"]
    return worst


def np32(t):
    return t.detach().cpu().numpy().astype(np.float32)


def build_arrays(c, model, inp, mod, unr):
    arrs = {"config": np.array([CELLS[c["cell"]], c["Vs"], c["Vt"], c["E"], c["H"], c["L"],
                                ATTNS[c["attn"]]], dtype=np.int32)}
    for n, v in model.state_dict().items():
        arrs[n] = np32(v)
    for k in ("src", "tgt_in", "tgt_out"):
        arrs[k] = inp[k].numpy().astype(c["id_dtype"])
    arrs["output"] = np32(mod["output"])
    arrs["h_n"] = np32(mod["h_n"])
    if "c_n" in mod:
        arrs["c_n"] = np32(mod["c_n"])
    arrs["loss"] = np.array(mod["loss"].item(), dtype=np.float32)
    arrs["dh"] = np32(unr["dh"])
    arrs["enc_dh"] = np32(unr["enc_dh"])
    arrs["enc_dh_attn"] = np32(unr["enc_dh_attn"])
    if "attn" in mod:
        arrs["attn"] = np32(mod["attn"])
    for n, g in mod["grads"].items():
        arrs["grad." + n] = np32(g)
    return arrs


def same_as_existing(path, arrs, compressed):
    if not os.path.exists(path):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            want = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
            infos = zf.infolist()
            if any(i.compress_type != want for i in infos):
                return False
            if [i.filename for i in infos] != [k + ".npy" for k in arrs]:
                return False
        with np.load(path) as old:
            for k, v in arrs.items():
                o = old[k]
                if o.dtype != v.dtype or o.shape != v.shape or o.tobytes() != v.tobytes():
                    return False
    except Exception:
        return False
    return True


def write(c, arrs):
    path = os.path.join(OUT_DIR, c["name"] + ".npz")
    if same_as_existing(path, arrs, c["compressed"]):
        return path, False
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        (np.savez_compressed if c["compressed"] else np.savez)(f, **arrs)
    os.replace(tmp, path)
    return path, True


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    names = [c["name"] for c in CASES]
    assert len(set(names)) == len(names)
    for idx, c in enumerate(CASES):
        torch.manual_seed(2000 + idx)
        model = Seq2Seq(c)
        g = torch.Generator().manual_seed(3000 + idx)
        inp = make_inputs(c, g)
        mod = module_pass(c, model, inp)
        unr = unrolled_pass(c, model, inp)
        worst = check(c, mod, unr)
        path, changed = write(c, build_arrays(c, model, inp, mod, unr))
        print(f"{c['name']:22s} {os.path.getsize(path):6d} B  max|unrolled-module| {worst:.2e}  "
              f"{'written' if changed else 'unchanged'}  {c['cell']} L={c['L']} {c['attn']} "
              f"S={c['S']} T={c['T']} B={c['B']}: {c['note']}")
    print(f"{len(CASES)} cases in {os.path.relpath(OUT_DIR)}")


if __name__ == "__main__":
    main()
