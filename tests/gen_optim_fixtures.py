#!/usr/bin/python3
"""Write tests/fixtures/optim_ref.h: what torch.optim does, for test_optim.c.

Run from the repository root with Debian's Python (it has torch and numpy):

    /usr/bin/python3 tests/gen_optim_fixtures.py [OUTPUT]

OUTPUT defaults to tests/fixtures/optim_ref.h.  The header is committed; the
build and the tests never need Python.

What it records:
  * optimizers: a 7-float parameter vector and 5 fixed gradient vectors; for
    each case (kind, hyperparameters, the lr of each step) the parameters
    after each step as torch.optim updates them in float32.
  * schedules: the lr of the first steps under StepLR, CosineAnnealingLR
    and, for the warm-up, LinearLR followed by either (SequentialLR).

Every hyperparameter is rounded to float32 before torch sees it, because the
C side stores them as floats: torch then computes its Python-side scalars
(1 - beta1, lr / (1 - beta1**t), ...) from the very same numbers.
"""
import os
import sys
import warnings

import numpy as np
import torch

N = 7        # parameters
STEPS = 5    # optimizer steps
SCHED_MAX = 30


def f32(x):
    return float(np.float32(x))


def fmt(x):
    return "%.9g" % float(np.float32(x))


def farr(xs):
    return "{" + ", ".join(fmt(x) for x in xs) + "}"


def inputs():
    rs = np.random.RandomState(2024)
    p0 = rs.uniform(-1.0, 1.0, N).astype(np.float32)
    scale = np.array([1.0, 0.5, 2.0, 0.1, 1.0])[:, None]
    g = (rs.standard_normal((STEPS, N)) * scale).astype(np.float32)
    g[:, 6] *= 10.0        # one large coordinate
    g[0, 3] = 0.0          # a zero gradient on the first step
    g[2, 5] = 0.0          # and a later one
    return p0, g


# Hyperparameters of every field of OptimConfig, torch's defaults per kind
# (the same as optim_config_default in src/core/optim.c).
def defaults(kind):
    adam = kind in ("adam", "adamw")
    return dict(lr=1e-3 if adam else 1e-2, momentum=0.9, alpha=0.99,
                beta1=0.9, beta2=0.999,
                eps=1e-10 if kind == "adagrad" else 1e-8,
                weight_decay=0.01 if kind == "adamw" else 0.0)


def make_optim(kind, p, h):
    wd = h["weight_decay"]
    if kind == "sgd":
        return torch.optim.SGD([p], lr=h["lr"], weight_decay=wd)
    if kind in ("momentum", "nesterov"):
        return torch.optim.SGD([p], lr=h["lr"], momentum=h["momentum"],
                               nesterov=kind == "nesterov", weight_decay=wd)
    if kind == "adagrad":
        return torch.optim.Adagrad([p], lr=h["lr"], eps=h["eps"],
                                   weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop([p], lr=h["lr"], alpha=h["alpha"],
                                   eps=h["eps"], weight_decay=wd)
    cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
    return cls([p], lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"],
               weight_decay=wd)


# (name, kind, overrides, lr of each step or None for a constant lr)
OPTIM_CASES = [
    ("sgd", "sgd", dict(lr=0.1), None),
    ("sgd_wd", "sgd", dict(lr=0.1, weight_decay=0.1), None),
    ("momentum", "momentum", dict(lr=0.05), None),
    ("momentum_wd", "momentum", dict(lr=0.05, momentum=0.8, weight_decay=0.05), None),
    ("momentum_sched", "momentum", dict(lr=0.05),
     [0.0125, 0.025, 0.0375, 0.05, 0.04]),
    ("nesterov", "nesterov", dict(lr=0.05), None),
    ("nesterov_wd", "nesterov", dict(lr=0.05, weight_decay=0.05), None),
    ("adagrad", "adagrad", dict(lr=0.1), None),
    ("adagrad_wd", "adagrad", dict(lr=0.1, weight_decay=0.05), None),
    ("rmsprop", "rmsprop", dict(lr=0.01), None),
    ("rmsprop_wd", "rmsprop", dict(lr=0.01, alpha=0.9, weight_decay=0.05), None),
    ("adam", "adam", dict(lr=0.01), None),
    ("adam_wd", "adam", dict(lr=0.01, weight_decay=0.05), None),
    ("adam_betas", "adam", dict(lr=0.02, beta1=0.5, beta2=0.9, eps=1e-6), None),
    ("adamw", "adamw", dict(lr=0.01), None),
    ("adamw_wd", "adamw", dict(lr=0.01, weight_decay=0.2), None),
    ("adamw_sched", "adamw", dict(lr=0.01, weight_decay=0.1),
     [0.0025, 0.005, 0.0075, 0.01, 0.009]),
]


def run_optim(kind, h, lrs, p0, g):
    p = torch.tensor(p0, dtype=torch.float32, requires_grad=True)
    opt = make_optim(kind, p, h)
    out = []
    for k in range(STEPS):
        opt.param_groups[0]["lr"] = lrs[k]
        p.grad = torch.tensor(g[k], dtype=torch.float32)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


# (name, kind, base_lr, step_size, gamma, t_max, lr_min, warmup, nsteps)
SCHED_CASES = [
    ("step", "step", 0.1, 7, 0.5, 0, 0.0, 0, 30),
    ("step_default_gamma", "step", 0.01, 3, 0.1, 0, 0.0, 0, 12),
    ("cosine", "cosine", 0.1, 0, 0.1, 29, 0.0, 0, 30),
    ("cosine_floor", "cosine", 0.05, 0, 0.1, 10, 1e-3, 0, 11),
    ("warmup_step", "step", 0.1, 5, 0.5, 0, 0.0, 4, 20),
    ("warmup_cosine", "cosine", 0.1, 0, 0.1, 20, 2e-3, 6, 27),
]


def run_sched(kind, base_lr, step_size, gamma, t_max, lr_min, warmup, nsteps):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    if kind == "step":
        main = torch.optim.lr_scheduler.StepLR(opt, step_size=step_size,
                                               gamma=gamma)
    else:
        main = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=t_max,
                                                          eta_min=lr_min)
    sched = main
    if warmup:
        # factor (k + 1) / warmup for k < warmup: start 1/w, reaching 1 at w-1
        assert warmup >= 2
        warm = torch.optim.lr_scheduler.LinearLR(
            opt, start_factor=1.0 / warmup, end_factor=1.0,
            total_iters=warmup - 1)
        sched = torch.optim.lr_scheduler.SequentialLR(
            opt, schedulers=[warm, main], milestones=[warmup])
    lrs = []
    for _ in range(nsteps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/optim_ref.h"
    warnings.simplefilter("ignore")  # SequentialLR's epoch-argument notice
    p0, g = inputs()
    L = []
    w = L.append
    w("/* optim_ref.h -- GENERATED by tests/gen_optim_fixtures.py; do not edit.")
    w(" *")
    w(" * Regenerate from the repository root with:")
    w(" *     /usr/bin/python3 tests/gen_optim_fixtures.py")
    w(" * (torch %s, numpy %s).  Floats are printed with %%.9g, which" %
      (torch.__version__, np.__version__))
    w(" * round-trips float32 exactly.")
    w(" *")
    w(" * optim_ref_cases: from optim_ref_param0, apply optim_ref_grad[k] with")
    w(" * learning rate lr[k] for k = 0..4; param[k] is the vector after step k")
    w(" * as torch.optim computes it in float32.  kind is an optim_names entry;")
    w(" * every hyperparameter is given (torch's defaults where not varied).")
    w(" *")
    w(" * sched_ref_cases: lr[k] is the learning rate of 0-based step k under")
    w(" * torch.optim.lr_scheduler StepLR / CosineAnnealingLR, preceded for a")
    w(" * warm-up by LinearLR(start_factor=1/warmup, total_iters=warmup-1) in a")
    w(" * SequentialLR.  Cosine cases stop at t_max, after which torch's")
    w(" * schedule climbs again and ours stays at lr_min.")
    w(" */")
    w("#ifndef RNNLAB_OPTIM_REF_H")
    w("#define RNNLAB_OPTIM_REF_H")
    w("")
    w("#define OPTIM_REF_N %d" % N)
    w("#define OPTIM_REF_STEPS %d" % STEPS)
    w("#define SCHED_REF_MAX %d" % SCHED_MAX)
    w("")
    w("static const float optim_ref_param0[OPTIM_REF_N] = %s;" % farr(p0))
    w("")
    w("static const float optim_ref_grad[OPTIM_REF_STEPS][OPTIM_REF_N] = {")
    for k in range(STEPS):
        w("\t%s," % farr(g[k]))
    w("};")
    w("")
    w("typedef struct OptimRefCase {")
    w("\tconst char *name;")
    w("\tconst char *kind;")
    w("\tfloat lr, momentum, alpha, beta1, beta2, eps, weight_decay;")
    w("\tfloat step_lr[OPTIM_REF_STEPS];")
    w("\tfloat param[OPTIM_REF_STEPS][OPTIM_REF_N];")
    w("} OptimRefCase;")
    w("")
    w("static const OptimRefCase optim_ref_cases[] = {")
    for name, kind, over, lrs in OPTIM_CASES:
        h = defaults(kind)
        h.update(over)
        h = {k: f32(v) for k, v in h.items()}
        lrs = [f32(x) for x in (lrs or [h["lr"]] * STEPS)]
        ps = run_optim(kind, h, lrs, p0, g)
        w("\t{")
        w('\t\t.name = "%s", .kind = "%s",' % (name, kind))
        w("\t\t.lr = %s, .momentum = %s, .alpha = %s," %
          (fmt(h["lr"]), fmt(h["momentum"]), fmt(h["alpha"])))
        w("\t\t.beta1 = %s, .beta2 = %s, .eps = %s, .weight_decay = %s," %
          (fmt(h["beta1"]), fmt(h["beta2"]), fmt(h["eps"]),
           fmt(h["weight_decay"])))
        w("\t\t.step_lr = %s," % farr(lrs))
        w("\t\t.param = {")
        for k in range(STEPS):
            w("\t\t\t%s," % farr(ps[k]))
        w("\t\t},")
        w("\t},")
    w("};")
    w("")
    w("typedef struct SchedRefCase {")
    w("\tconst char *name;")
    w("\tconst char *kind;")
    w("\tfloat base_lr;")
    w("\tlong step_size;")
    w("\tfloat gamma;")
    w("\tlong t_max;")
    w("\tfloat lr_min;")
    w("\tlong warmup;")
    w("\tint nsteps;")
    w("\tfloat lr[SCHED_REF_MAX];")
    w("} SchedRefCase;")
    w("")
    w("static const SchedRefCase sched_ref_cases[] = {")
    for (name, kind, base_lr, step_size, gamma, t_max, lr_min, warmup,
         nsteps) in SCHED_CASES:
        assert nsteps <= SCHED_MAX
        base_lr, gamma, lr_min = f32(base_lr), f32(gamma), f32(lr_min)
        lrs = run_sched(kind, base_lr, step_size, gamma, t_max, lr_min,
                        warmup, nsteps)
        w("\t{")
        w('\t\t.name = "%s", .kind = "%s", .base_lr = %s,' %
          (name, kind, fmt(base_lr)))
        w("\t\t.step_size = %d, .gamma = %s, .t_max = %d, .lr_min = %s," %
          (step_size, fmt(gamma), t_max, fmt(lr_min)))
        w("\t\t.warmup = %d, .nsteps = %d," % (warmup, nsteps))
        w("\t\t.lr = {")
        for i in range(0, nsteps, 6):
            w("\t\t\t%s," % ", ".join(fmt(x) for x in lrs[i:i + 6]))
        w("\t\t},")
        w("\t},")
    w("};")
    w("")
    w("#endif")
    d = os.path.dirname(out_path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(out_path, "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
