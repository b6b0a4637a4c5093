#!/usr/bin/python3
"""Generate the reference cases in tests/fixtures/cells/<case>.npz.

Run from the repository root with Debian's Python, which has python3-torch and
python3-numpy (the `python3` first on some PATHs is another interpreter without torch):

    /usr/bin/python3 tests/gen_fixtures.py

Only the build machine of a fixture change needs Python; the C test suite reads the
committed .npz files with its own reader and never runs this script.

Each case builds a real PyTorch model -- nn.RNN / nn.LSTM / nn.GRU (batch_first=False),
optionally nn.Embedding in front and nn.Linear as the head -- with PyTorch's default
init after torch.manual_seed(seed), runs one forward + backward pass on a small batch,
and writes, in one file:

  config        int32 [cell, act, in, vocab, embed, hidden, layers, out, loss]
                cell 0=rnn 1=lstm 2=gru; act 0=tanh 1=relu (rnn only, else 0);
                in=0 for a token model; vocab=embed=0 for a float-input model;
                out=0: no head, the output is the top layer's h and the loss applies to it;
                loss 0=mse 1=ce 2=bce (reduction 'mean', as PyTorch)
  weights       the model's state_dict under its own names (rnn.weight_ih_l{k},
                rnn.weight_hh_l{k}, rnn.bias_ih_l{k}, rnn.bias_hh_l{k}, head.weight,
                head.bias, embed.weight), float32
  probe input   x, y, and optionally h0, c0 -- exactly as the `probe` IN.npz
  probe output  output, h_n, c_n (LSTM), loss, dh, grad.<name> -- exactly as OUT.npz

output/h_n/c_n/loss/grad.* are the nn modules' own float32 values. dh, the TOTAL derivative
of the loss with respect to each top-layer h_t (through the head and through every later
timestep), cannot be read from the modules (the grad of nn.LSTM's `output` holds only the
direct, head part), so each case is run a second time through a hand-unrolled float64 loop
that implements DESIGN.md's equations step by step from the same weights, with
retain_grad() on every top-layer h_t. The script asserts that this loop reproduces the
modules' output, h_n, c_n, loss and every parameter gradient, and that dh at the last
step equals the module's direct gradient there, before it writes anything.

Files are written with np.savez (a few with np.savez_compressed, to cover deflated
members). A file whose arrays would not change is left untouched, so rerunning the script
does not churn git (zip members carry a timestamp).
"""

import io
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "fixtures", "cells")

CELLS = {"rnn": 0, "lstm": 1, "gru": 2}
ACTS = {"tanh": 0, "relu": 1}
LOSSES = {"mse": 0, "ce": 1, "bce": 2}

TOL = 1e-5  # |unrolled - module| <= TOL * max(1, max|module|), per array


# --------------------------------------------------------------------------- cases
def case(name, cell, T, B, H, *, I=0, V=0, E=0, L=1, O=1, act="tanh", loss="mse",
         target="step", h0=False, c0=False, x_dtype="float32", y_id_dtype="int64",
         float_dtype="float32", compressed=False, seed=None, note=""):
    return dict(name=name, cell=cell, T=T, B=B, H=H, I=I, V=V, E=E, L=L, O=O, act=act,
                loss=loss, target=target, h0=h0, c0=c0, x_dtype=x_dtype,
                y_id_dtype=y_id_dtype, float_dtype=float_dtype, compressed=compressed,
                seed=seed, note=note)


CASES = [
    case("rnn_tanh_mse_step", "rnn", T=5, B=3, I=4, H=6, O=2,
         note="tanh RNN, per-step MSE"),
    case("rnn_relu_mse_step", "rnn", T=4, B=2, I=3, H=5, O=1, act="relu",
         note="relu RNN, per-step MSE"),
    case("rnn_tanh_2layer_ce_step", "rnn", T=6, B=2, I=5, H=4, O=3, L=2, loss="ce",
         note="2-layer tanh RNN, per-step cross-entropy"),
    case("rnn_tanh_h0_bce_seq", "rnn", T=7, B=4, I=3, H=5, O=2, loss="bce",
         target="seq", h0=True, note="tanh RNN given h0, per-sequence BCE"),
    case("lstm_mse_step", "lstm", T=7, B=2, I=3, H=5, O=4,
         note="LSTM, per-step MSE"),
    case("lstm_2layer_mse_step", "lstm", T=4, B=3, I=5, H=6, O=2, L=2,
         note="2-layer LSTM, per-step MSE"),
    case("lstm_h0c0_ce_seq", "lstm", T=6, B=4, I=2, H=5, O=3, loss="ce", target="seq",
         h0=True, c0=True, note="LSTM given h0 and c0, per-sequence cross-entropy"),
    case("lstm_h0only_mse_step", "lstm", T=3, B=2, I=4, H=5, O=1, h0=True,
         note="LSTM given h0 but no c0 (c0 = 0), per-step MSE"),
    case("lstm_token_ce_step", "lstm", T=5, B=3, V=7, E=2, H=6, O=4, loss="ce",
         x_dtype="int64", note="LSTM on int64 token ids (embedding), per-step cross-entropy"),
    case("gru_mse_step", "gru", T=6, B=4, I=3, H=5, O=2,
         note="GRU, per-step MSE"),
    case("gru_2layer_bce_step", "gru", T=5, B=2, I=4, H=6, O=3, L=2, loss="bce",
         note="2-layer GRU, per-step BCE"),
    case("gru_h0_ce_step", "gru", T=7, B=3, I=5, H=2, O=4, loss="ce", h0=True,
         note="GRU given h0, per-step cross-entropy"),
    case("gru_token_ce_seq", "gru", T=6, B=4, V=9, E=3, H=5, O=2, loss="ce", target="seq",
         x_dtype="int32", compressed=True,
         note="GRU on int32 token ids (embedding), per-sequence cross-entropy; deflated npz"),
    case("lstm_nohead_mse_step", "lstm", T=4, B=3, I=2, H=5, O=0, L=2,
         note="2-layer LSTM without head (out=0): MSE on top-layer h, per step [T,B,H]"),
    case("rnn_3layer_mse_seq", "rnn", T=5, B=2, I=3, H=4, O=1, L=3, target="seq",
         compressed=True, note="3-layer tanh RNN, per-sequence MSE; deflated npz"),
    case("gru_nohead_mse_seq", "gru", T=6, B=3, I=4, H=5, O=0, target="seq",
         note="GRU without head (out=0): MSE on last top-layer h, target [B,H]"),
    # extras: the degenerate sizes and the other permitted file dtypes
    case("rnn_tanh_t1b1_mse_step", "rnn", T=1, B=1, I=2, H=3, O=1,
         note="T=1, B=1: tanh RNN, per-step MSE (y [1,1,1])"),
    case("lstm_t1b1_ce_seq", "lstm", T=1, B=1, I=3, H=2, O=4, loss="ce", target="seq",
         y_id_dtype="int32", compressed=True,
         note="T=1, B=1: LSTM, per-sequence cross-entropy with int32 class ids (y [1]); deflated npz"),
    case("rnn_relu_2layer_f64in_bce_step", "rnn", T=3, B=4, I=2, H=6, O=1, L=2, act="relu",
         loss="bce", h0=True, float_dtype="float64",
         note="2-layer relu RNN given h0, per-step BCE; x, y, h0 stored as float64 "
              "(values exactly representable in float32)"),
]


# --------------------------------------------------------------------------- model
class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        if c["V"]:
            self.embed = nn.Embedding(c["V"], c["E"])
        in_size = c["E"] if c["V"] else c["I"]
        if c["cell"] == "rnn":
            self.rnn = nn.RNN(in_size, c["H"], num_layers=c["L"], nonlinearity=c["act"],
                              batch_first=False)
        elif c["cell"] == "lstm":
            self.rnn = nn.LSTM(in_size, c["H"], num_layers=c["L"], batch_first=False)
        else:
            self.rnn = nn.GRU(in_size, c["H"], num_layers=c["L"], batch_first=False)
        if c["O"]:
            self.head = nn.Linear(c["H"], c["O"])


def make_inputs(c):
    T, B, L, H = c["T"], c["B"], c["L"], c["H"]
    inp = {}
    if c["V"]:
        inp["x"] = torch.randint(0, c["V"], (T, B), dtype=torch.int64)
    else:
        inp["x"] = torch.randn(T, B, c["I"])
    width = c["O"] if c["O"] else H
    lead = (T, B) if c["target"] == "step" else (B,)
    if c["loss"] == "ce":
        inp["y"] = torch.randint(0, width, lead, dtype=torch.int64)
    elif c["loss"] == "bce":
        inp["y"] = torch.randint(0, 2, lead + (width,)).float()
    else:
        inp["y"] = torch.randn(lead + (width,))
    if c["h0"]:
        inp["h0"] = 0.5 * torch.randn(L, B, H)
    if c["c0"]:
        inp["c0"] = 0.5 * torch.randn(L, B, H)
    return inp


def loss_fn(kind, out, y, target):
    """out: [T,B,W] (per-step) -- sliced to the last step for a per-sequence target."""
    if target == "seq":
        out = out[-1]
    if kind == "mse":
        return F.mse_loss(out, y)
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(out, y)
    return F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))


# --------------------------------------------------------------------------- module pass
def module_pass(c, model, inp):
    x = inp["x"]
    feats = model.embed(x) if c["V"] else x
    T, B, L, H = c["T"], c["B"], c["L"], c["H"]
    if c["cell"] == "lstm":
        h0 = inp.get("h0")
        c0 = inp.get("c0")
        if h0 is None and c0 is None:
            hx = None
        else:
            hx = (h0 if h0 is not None else torch.zeros(L, B, H),
                  c0 if c0 is not None else torch.zeros(L, B, H))
        seq, (h_n, c_n) = model.rnn(feats, hx)
    else:
        seq, h_n = model.rnn(feats, inp.get("h0"))
        c_n = None
    seq.retain_grad()
    out = model.head(seq) if c["O"] else seq
    loss = loss_fn(c["loss"], out, inp["y"], c["target"])
    model.zero_grad()
    loss.backward()
    res = {"output": out.detach(), "h_n": h_n.detach(), "loss": loss.detach(),
           "direct_dh": seq.grad.detach()}
    if c_n is not None:
        res["c_n"] = c_n.detach()
    res["grads"] = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    return res


# --------------------------------------------------------------------------- unrolled pass
def unrolled_pass(c, model, inp):
    """DESIGN.md's equations, step by step, in float64, from the module's weights."""
    dt = torch.float64
    P = {n: p.detach().to(dt).clone().requires_grad_(True)
         for n, p in model.named_parameters()}
    T, B, L, H = c["T"], c["B"], c["L"], c["H"]
    x = inp["x"]
    if c["V"]:
        feats = P["embed.weight"][x]                      # [T,B,E]
    else:
        feats = x.to(dt)
    h = [inp["h0"][k].to(dt) if "h0" in inp else torch.zeros(B, H, dtype=dt)
         for k in range(L)]
    cs = [inp["c0"][k].to(dt) if "c0" in inp else torch.zeros(B, H, dtype=dt)
          for k in range(L)]

    def lin(k, inp_t, hprev):
        gi = inp_t @ P[f"rnn.weight_ih_l{k}"].T + P[f"rnn.bias_ih_l{k}"]
        gh = hprev @ P[f"rnn.weight_hh_l{k}"].T + P[f"rnn.bias_hh_l{k}"]
        return gi, gh

    tops = []
    for t in range(T):
        layer_in = feats[t]
        for k in range(L):
            gi, gh = lin(k, layer_in, h[k])
            if c["cell"] == "rnn":
                a = gi + gh
                hn = torch.tanh(a) if c["act"] == "tanh" else torch.relu(a)
            elif c["cell"] == "lstm":
                a = gi + gh
                i_g = torch.sigmoid(a[:, 0 * H:1 * H])
                f_g = torch.sigmoid(a[:, 1 * H:2 * H])
                g_g = torch.tanh(a[:, 2 * H:3 * H])
                o_g = torch.sigmoid(a[:, 3 * H:4 * H])
                cn = f_g * cs[k] + i_g * g_g
                hn = o_g * torch.tanh(cn)
                cs[k] = cn
            else:
                r = torch.sigmoid(gi[:, 0 * H:1 * H] + gh[:, 0 * H:1 * H])
                z = torch.sigmoid(gi[:, 1 * H:2 * H] + gh[:, 1 * H:2 * H])
                n = torch.tanh(gi[:, 2 * H:3 * H] + r * gh[:, 2 * H:3 * H])
                hn = (1 - z) * n + z * h[k]
            h[k] = hn
            layer_in = hn
        h[L - 1].retain_grad()
        tops.append(h[L - 1])

    seq = torch.stack(tops)                               # [T,B,H]
    if c["O"]:
        out = seq @ P["head.weight"].T + P["head.bias"]
    else:
        out = seq
    y = inp["y"].to(dt) if c["loss"] != "ce" else inp["y"]
    loss = loss_fn(c["loss"], out, y, c["target"])
    loss.backward()
    res = {"output": out.detach(), "h_n": torch.stack(h).detach(), "loss": loss.detach(),
           "dh": torch.stack([ht.grad for ht in tops]).detach()}
    if c["cell"] == "lstm":
        res["c_n"] = torch.stack(cs).detach()
    res["grads"] = {n: p.grad.detach() for n, p in P.items()}
    return res


# --------------------------------------------------------------------------- checks
def discrepancy(a, b):
    a = a.double()
    b = b.double()
    assert a.shape == b.shape, (a.shape, b.shape)
    diff = (a - b).abs().max().item() if a.numel() else 0.0
    scale = max(1.0, b.abs().max().item() if b.numel() else 0.0)
    return diff, scale


def check(c, mod, unr):
    worst = 0.0
    names = ["output", "h_n", "loss"] + (["c_n"] if c["cell"] == "lstm" else [])
    pairs = [(n, unr[n], mod[n]) for n in names]
    pairs += [("grad." + n, unr["grads"][n], mod["grads"][n]) for n in mod["grads"]]
    # No later timestep follows t = T-1, so there dh is the module's direct gradient.
    pairs.append(("dh[T-1]", unr["dh"][-1], mod["direct_dh"][-1]))
    for n, a, b in pairs:
        d, s = discrepancy(a, b)
        if d > TOL * s:
            sys.exit(f"{c['name']}: unrolled loop disagrees with the module on {n}: "
                     f"max |diff| = {d:.3g} (scale {s:.3g})")
        worst = max(worst, d)
    # Sanity: the loss must actually reach the earlier hidden states through time.
    if c["T"] > 1:
        assert unr["dh"][:-1].abs().max().item() > 0, c["name"]
    return worst


# --------------------------------------------------------------------------- writing
def np32(t):
    return t.detach().cpu().numpy().astype(np.float32)


def build_arrays(c, model, inp, mod, unr):
    arrs = {}
    arrs["config"] = np.array([CELLS[c["cell"]], ACTS[c["act"]] if c["cell"] == "rnn" else 0,
                               c["I"], c["V"], c["E"], c["H"], c["L"], c["O"],
                               LOSSES[c["loss"]]], dtype=np.int32)
    for n, v in model.state_dict().items():
        arrs[n] = np32(v)
    fdt = np.dtype(c["float_dtype"])
    if c["V"]:
        arrs["x"] = inp["x"].numpy().astype(c["x_dtype"])
    else:
        arrs["x"] = inp["x"].numpy().astype(np.float32).astype(fdt)
    if c["loss"] == "ce":
        arrs["y"] = inp["y"].numpy().astype(c["y_id_dtype"])
    else:
        arrs["y"] = inp["y"].numpy().astype(np.float32).astype(fdt)
    for k in ("h0", "c0"):
        if k in inp:
            arrs[k] = inp[k].numpy().astype(np.float32).astype(fdt)
    arrs["output"] = np32(mod["output"])
    arrs["h_n"] = np32(mod["h_n"])
    if "c_n" in mod:
        arrs["c_n"] = np32(mod["c_n"])
    arrs["loss"] = np.array(mod["loss"].item(), dtype=np.float32)
    arrs["dh"] = np32(unr["dh"])
    for n, g in mod["grads"].items():
        arrs["grad." + n] = np32(g)
    return arrs


def same_as_existing(path, arrs, compressed):
    if not os.path.exists(path):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            want = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
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


def describe(c):
    T, B, H, L, O = c["T"], c["B"], c["H"], c["L"], c["O"]
    xs = f"x[{T},{B}] {c['x_dtype']} ids, V={c['V']} E={c['E']}" if c["V"] else \
        f"x[{T},{B},{c['I']}]"
    W = O if O else H
    lead = f"{T},{B}" if c["target"] == "step" else f"{B}"
    ys = f"y[{lead}]" if c["loss"] == "ce" else f"y[{lead},{W}]"
    extra = "".join([" h0", " c0"][i] for i, k in enumerate(("h0", "c0")) if c[k])
    return (f"{c['cell']} L={L} H={H} O={O} {c['loss']}/{c['target']}: "
            f"T={T} B={B} {xs} {ys}{extra}")


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    names = [c["name"] for c in CASES]
    assert len(set(names)) == len(names)
    total = 0
    for idx, c in enumerate(CASES):
        seed = c["seed"] if c["seed"] is not None else 1000 + idx
        torch.manual_seed(seed)
        model = Model(c)
        inp = make_inputs(c)
        mod = module_pass(c, model, inp)
        unr = unrolled_pass(c, model, inp)
        worst = check(c, mod, unr)
        arrs = build_arrays(c, model, inp, mod, unr)
        path, changed = write(c, arrs)
        size = os.path.getsize(path)
        total += size
        print(f"{c['name']:32s} {size:6d} B  max|unrolled-module| {worst:.2e}  "
              f"{'written' if changed else 'unchanged'}  {describe(c)}")
    print(f"{len(CASES)} cases, {total} bytes in {os.path.relpath(OUT_DIR)}")


if __name__ == "__main__":
    main()
