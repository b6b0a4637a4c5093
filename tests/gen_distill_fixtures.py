#!/usr/bin/python3
"""Write tests/fixtures/distill.npz: the distillation loss and its gradient as PyTorch
computes them, which tests/test_distill.c compares with rnnlab's (loss_distill in
src/core/loss.c, and a whole student through net_forward and net_backward).

Run from the top of the tree with Debian's python3 (it has torch and numpy):

    /usr/bin/python3 tests/gen_distill_fixtures.py

The teacher term is PyTorch's KL with temperature,

    F.kl_div(F.log_softmax(zs / T, -1), F.softmax(zt / T, -1), reduction='batchmean') * T * T

and the reduction is where the care goes.  rnnlab's losses are means over the scored
positions (DESIGN.md): a language model scores every (t, b) of a [T, B, O] output, so its
KL term is batchmean over the logits flattened to [T*B, O] rows -- the mean over positions
of each position's summed KL.  batchmean on the 3-d [T, B, O] tensor itself would divide
the same sum by T alone, B times too much; the file holds both (kd_flat, kd_3d) and the
test checks which one rnnlab's is.  A per-sequence target scores the last step only:
[B, O] rows.  The task loss is F.cross_entropy (mean), and the whole loss

    alpha * kd + (1 - alpha) * task

with its gradient with respect to zs by autograd, in float64 from the float32 inputs.

Cases, each under a prefix:
  lm_*   zs, zt [5, 3, 7], y [5, 3] class ids; T = 2.5, alpha = 0.3
  cls_*  zs, zt [4, 5] (the last step of 4 sequences), y [4]; T = 4, alpha = 0.7
  bce_*  zs, zt [4, 2, 3], y 0/1; two classes per element, logits (z, 0):
         kd = batchmean over the [4*2*3, 2] rows; task F.binary_cross_entropy_with_logits
         (mean); T = 1.5, alpha = 0.4
  mse_*  zs, zt, y [4, 2, 2]; kd = F.mse_loss(zs, zt), task F.mse_loss(zs, y); alpha = 0.6
  Each: <p>_zs, <p>_zt, <p>_y (float32), <p>_temp, <p>_alpha, <p>_loss, <p>_kd, <p>_task
  (float64 [1]), <p>_grad (float64, zs's shape); lm_kd_3d as well.
  model_*  a whole student: nn.Embedding(11, 4) + nn.LSTM(4, 6) + nn.Linear(6, 11) at
         PyTorch's default init (seed 5), tokens x [6, 3], targets y [6, 3], and the outputs
         zt [6, 3, 11] of a teacher nn.Embedding(11, 5) + nn.LSTM(5, 10) + nn.Linear(10, 11)
         (seed 6); T = 2, alpha = 0.5.  model_<name> the student's state_dict under
         rnnlab's names (embed.weight, rnn.*, head.*), model_loss, model_grad.<name>.
"""
import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
out = {}


def f32(a):
    return np.asarray(a, dtype=np.float32)


def kd_ce(zs, zt, T):
    """batchmean over the rows of the last axis, flattened to [rows, O]"""
    O = zs.shape[-1]
    return F.kl_div(F.log_softmax(zs.reshape(-1, O) / T, -1), F.softmax(zt.reshape(-1, O) / T, -1),
                    reduction='batchmean') * T * T


def put(p, zs, zt, y, T, alpha, loss, kd, task, grad):
    out[p + "_zs"] = f32(zs)
    out[p + "_zt"] = f32(zt)
    out[p + "_y"] = f32(y)
    out[p + "_temp"] = np.array([T])
    out[p + "_alpha"] = np.array([alpha])
    out[p + "_loss"] = np.array([loss.item()])
    out[p + "_kd"] = np.array([kd.item()])
    out[p + "_task"] = np.array([task.item()])
    out[p + "_grad"] = grad.detach().numpy()


def const(a):
    return torch.tensor(f32(a), dtype=torch.float64)


def leaf(a):
    return torch.tensor(f32(a), dtype=torch.float64, requires_grad=True)


rng = np.random.default_rng(22)

# lm: every position scored
zs, zt = leaf(rng.normal(0, 2, (5, 3, 7))), const(rng.normal(0, 2, (5, 3, 7)))
y = rng.integers(0, 7, (5, 3))
T, alpha = 2.5, 0.3
kd = kd_ce(zs, zt, T)
task = F.cross_entropy(zs.reshape(-1, 7), torch.tensor(y.reshape(-1)))
loss = alpha * kd + (1 - alpha) * task
loss.backward()
put("lm", zs.detach(), zt, y, T, alpha, loss, kd, task, zs.grad)
out["lm_kd_3d"] = np.array([(F.kl_div(F.log_softmax(zs.detach() / T, -1), F.softmax(zt / T, -1),
                                      reduction='batchmean') * T * T).item()])
assert abs(out["lm_kd_3d"][0] - 3 * kd.item()) < 1e-9 * abs(kd.item())

# cls: the last step of each sequence
zs, zt = leaf(rng.normal(0, 2, (4, 5))), const(rng.normal(0, 2, (4, 5)))
y = rng.integers(0, 5, (4,))
T, alpha = 4.0, 0.7
kd = kd_ce(zs, zt, T)
task = F.cross_entropy(zs, torch.tensor(y))
loss = alpha * kd + (1 - alpha) * task
loss.backward()
put("cls", zs.detach(), zt, y, T, alpha, loss, kd, task, zs.grad)

# bce: two classes per element
zs, zt = leaf(rng.normal(0, 2, (4, 2, 3))), const(rng.normal(0, 2, (4, 2, 3)))
y = rng.integers(0, 2, (4, 2, 3)).astype(np.float64)
T, alpha = 1.5, 0.4
two = lambda z: torch.stack([z, torch.zeros_like(z)], -1)
kd = kd_ce(two(zs), two(zt), T)
task = F.binary_cross_entropy_with_logits(zs, torch.tensor(y))
loss = alpha * kd + (1 - alpha) * task
loss.backward()
put("bce", zs.detach(), zt, y, T, alpha, loss, kd, task, zs.grad)

# mse: the teacher's outputs as a second target
zs, zt = leaf(rng.normal(0, 1, (4, 2, 2))), const(rng.normal(0, 1, (4, 2, 2)))
y = rng.normal(0, 1, (4, 2, 2))
alpha = 0.6
kd = F.mse_loss(zs, zt)
task = F.mse_loss(zs, torch.tensor(f32(y), dtype=torch.float64))
loss = alpha * kd + (1 - alpha) * task
loss.backward()
put("mse", zs.detach(), zt, y, 1.0, alpha, loss, kd, task, zs.grad)


# model: a whole student (float32, as rnnlab runs it)
class Net(torch.nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embed = torch.nn.Embedding(V, E)
        self.rnn = torch.nn.LSTM(E, H)
        self.head = torch.nn.Linear(H, V)

    def forward(self, x):
        return self.head(self.rnn(self.embed(x))[0])


torch.set_default_dtype(torch.float32)
torch.manual_seed(5)
student = Net(11, 4, 6)
torch.manual_seed(6)
teacher = Net(11, 5, 10)
x = torch.tensor(rng.integers(0, 11, (6, 3)))
y = torch.tensor(rng.integers(0, 11, (6, 3)))
with torch.no_grad():
    zt = teacher(x)
T, alpha = 2.0, 0.5
zs = student(x)
loss = alpha * kd_ce(zs, zt, T) + (1 - alpha) * F.cross_entropy(zs.reshape(-1, 11), y.reshape(-1))
loss.backward()
out["model_x"] = x.numpy().astype(np.int32)
out["model_y"] = f32(y.numpy())
out["model_zt"] = zt.numpy()
out["model_temp"] = np.array([T])
out["model_alpha"] = np.array([alpha])
out["model_loss"] = np.array([loss.item()])
for k, v in student.state_dict().items():
    out["model_" + k] = v.numpy()
    out["model_grad." + k] = dict(student.named_parameters())[k].grad.numpy()

path = "tests/fixtures/distill.npz"
try:  # arrays that would not change: the file is left alone (zip members carry a timestamp)
    with np.load(path) as old:
        same = sorted(old.files) == sorted(out) and all(
            old[k].dtype == out[k].dtype and np.array_equal(old[k], out[k]) for k in out)
except (OSError, ValueError):
    same = False
if not same:
    np.savez(path, **out)
print(("unchanged " if same else "wrote ") + "tests/fixtures/distill.npz: lm, cls, bce, mse, model; lm kd %.6f, batchmean of [T,B,O] %.6f (B = 3 times)"
      % (out["lm_kd"][0], out["lm_kd_3d"][0]))
