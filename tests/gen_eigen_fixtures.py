#!/usr/bin/python3
"""Write tests/fixtures/eigen.npz and pca.npz: matrices and numpy's eigenvalues and
spectral norms of them, which tests/test_panes.c compares with rnnlab's
(LAPACK through eigen.c).

Run from the top of the tree with Debian's python3 (numpy and torch):

    /usr/bin/python3 tests/gen_eigen_fixtures.py

Cases (float32 matrices; numpy computes in float64 on the same values):
    w0  8x8 standard normal / sqrt(8)           (seed 1): real and complex pairs
    w1  torch.nn.RNN(4, 16).weight_hh_l0        (torch seed 2): PyTorch's own init
    w2  a 6x6 rotation by 0.3 rad scaled by 1.2, block-diagonal: |l| = 1.2 exactly
    w3  0.9 * I(5): one eigenvalue five times
    w4  torch.nn.LSTM(3, 8).weight_hh_l0[16:24] (torch seed 3): the g gate's block
For each k: w{k} float32 [n, n], re{k} and im{k} float64 [n] (np.linalg.eigvals),
norm{k} float64 [1] (the largest singular value).
"""
import numpy as np
import torch

def rot(n, a, s):
    w = np.zeros((n, n))
    for i in range(0, n, 2):
        w[i:i + 2, i:i + 2] = s * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return w

rng = np.random.default_rng(1)
torch.manual_seed(2)
rnn = torch.nn.RNN(4, 16)
torch.manual_seed(3)
lstm = torch.nn.LSTM(3, 8)
mats = [
    (rng.standard_normal((8, 8)) / np.sqrt(8)).astype(np.float32),
    rnn.weight_hh_l0.detach().numpy().astype(np.float32),
    rot(6, 0.3, 1.2).astype(np.float32),
    (0.9 * np.eye(5)).astype(np.float32),
    lstm.weight_hh_l0.detach().numpy()[16:24].astype(np.float32),
]
out = {}
for k, w in enumerate(mats):
    d = w.astype(np.float64)
    ev = np.linalg.eigvals(d)
    out["w%d" % k] = w
    out["re%d" % k] = ev.real.copy()
    out["im%d" % k] = ev.imag.copy()
    out["norm%d" % k] = np.array([np.linalg.svd(d, compute_uv=False)[0]])
np.savez("tests/fixtures/eigen.npz", **out)
print("wrote tests/fixtures/eigen.npz:", ", ".join("w%d %dx%d" % (k, w.shape[0], w.shape[1]) for k, w in enumerate(mats)))

# Principal components: 40 points of 6 dimensions with distinct variances;
# numpy's covariance (ddof 1), its two leading eigenvectors with each one's
# largest entry positive (rnnlab's rule), the centred points projected.
rng = np.random.default_rng(7)
x = (rng.standard_normal((40, 6)) * np.array([3.0, 2.0, 1.2, 0.7, 0.4, 0.1])).astype(np.float32)
d = x.astype(np.float64)
c = np.cov(d, rowvar=False)
val, vec = np.linalg.eigh(c)
top = vec[:, ::-1][:, :2].copy()
for k in range(2):
    j = np.argmax(np.abs(top[:, k]))
    if top[j, k] < 0:
        top[:, k] = -top[:, k]
pca = {"pca_x": x, "pca_proj": (d - d.mean(axis=0)) @ top, "pca_var": val[::-1][:2].copy(),
       "pca_total": np.array([np.trace(c)])}
np.savez("tests/fixtures/pca.npz", **pca)
print("wrote tests/fixtures/pca.npz: 40 points of 6 dimensions")
