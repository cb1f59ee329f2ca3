"""The fused Mamba-1 scan's algorithm in numpy (selective_scan.py's twin), checked without a GPU.

    python3 training/check_scan_math.py          # numpy only; exits non-zero on a mismatch

`selective_scan_fused_reference` and `selective_scan_fused_reference_backward` are the two Triton
kernels of selective_scan.py written as numpy loops, step for step: the same chunk boundaries, the
same per-chunk recompute into a scratch buffer, the same hand-written gradient formulas, the same
zero inputs past T. (They are numpy rather than PyTorch so that this check runs where torch does
not; check_selective_scan.py compares the kernels against them on the GPU.) This script checks:
  1. the forward against a plain one-step-at-a-time scan (no chunks);
  2. every gradient against central finite differences in float64 of
     L = sum(y * wy) + sum(final * wf), on T not a multiple of the chunk and on a chunk longer than T.

Glossary: b batch, T tokens, D channels, n state, Q chunk length, c = ceil(T / Q) chunks.
h_t = exp(dt_t A) * h_{t-1} + dt_t u_t B_t  (per channel d, state n);  y_t[d] = sum_n C_t[n] h_t[d, n].
"""

import sys

import numpy as np


def _pad_time(x, Tp):
    """Zeros past T, as the kernels' masked loads give: dt = 0 there keeps the state (decay 1, input 0)."""
    pad = [(0, 0)] * x.ndim
    pad[1] = (0, Tp - x.shape[1])
    return np.pad(x, pad)


def selective_scan_fused_reference(u, dt, A, B, C, chunk):
    """Forward kernel's twin. u, dt (b, T, D); A (D, n); B, C (b, T, n).

    Returns y (b, T, D), final state (b, D, n) and hs (b, c, D, n): the state each chunk starts from,
    the only states kept for the backward.
    """
    b, T, D = u.shape
    c = -(-T // chunk)
    u, dt, B, C = (_pad_time(x, c * chunk) for x in (u, dt, B, C))
    h = np.zeros((b, D, A.shape[1]), u.dtype)                        # (b, D, n)
    hs = np.zeros((b, c) + h.shape[1:], u.dtype)                      # (b, c, D, n)
    y = np.zeros((b, c * chunk, D), u.dtype)                          # (b, Tp, D)
    for k in range(c):
        hs[:, k] = h
        for j in range(chunk):
            t = k * chunk + j
            decay = np.exp(dt[:, t, :, None] * A)                     # (b, D, n)
            h = decay * h + (dt[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]
            y[:, t] = (h * C[:, t, None, :]).sum(2)                   # (b, D)
    return y[:, :T], h, hs


def selective_scan_fused_reference_backward(u, dt, A, B, C, hs, dy, dfinal, chunk):
    """Backward kernel's twin: chunks last to first; in each, recompute the states from hs into a
    scratch buffer (slot j = the state step t0 + j starts from), then run the reverse recurrence
        g_t = dL/dh_t = C_t dy_t + exp(dt_{t+1} A) g_{t+1},   g_{T-1} = C_{T-1} dy_{T-1} + dfinal
    ("carry" below is exp(dt_{t+1} A) g_{t+1}, the part of g_t that comes from later steps).
    Returns du, ddt (b, T, D), dA (D, n), dB, dC (b, T, n).
    """
    b, T, D = u.shape
    n = A.shape[1]
    c = hs.shape[1]
    Tp = c * chunk
    u, dt, B, C, dy = (_pad_time(x, Tp) for x in (u, dt, B, C, dy))
    du, ddt = np.zeros((b, Tp, D)), np.zeros((b, Tp, D))
    dB, dC = np.zeros((b, Tp, n)), np.zeros((b, Tp, n))
    dA_acc = np.zeros((b, D, n))                                      # the kernel: one (D-block, n) tile per program
    scratch = np.zeros((b, chunk, D, n))                              # the kernel: one per program, in global memory
    carry = dfinal.copy()                                             # (b, D, n)
    for kk in range(c):
        k = c - 1 - kk
        t0 = k * chunk
        # 1. recompute the chunk's states from the one the forward kept
        h = hs[:, k].copy()
        for j in range(chunk):
            t = t0 + j
            scratch[:, j] = h                                         # h_{t-1}
            decay = np.exp(dt[:, t, :, None] * A)
            h = decay * h + (dt[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]
        # 2. the reverse recurrence; h_t starts as the chunk's last state, still at hand
        h_t = h
        for i in range(chunk):
            j = chunk - 1 - i
            t = t0 + j
            h_prev = scratch[:, j]                                    # h_{t-1}
            decay = np.exp(dt[:, t, :, None] * A)                     # exp(dt_t A): (b, D, n)
            g = dy[:, t, :, None] * C[:, t, None, :] + carry          # dL/dh_t
            dC[:, t] = (dy[:, t, :, None] * h_t).sum(1)               # y_t = C_t . h_t
            dB[:, t] = (g * (dt[:, t] * u[:, t])[:, :, None]).sum(1)
            du[:, t] = dt[:, t] * (g * B[:, t, None, :]).sum(2)
            ddt[:, t] = (g * (A * decay * h_prev + u[:, t, :, None] * B[:, t, None, :])).sum(2)
            dA_acc += g * h_prev * dt[:, t, :, None] * decay
            carry = decay * g                                         # through h_{t-1}: step t's decay
            h_t = h_prev
    return du[:, :T], ddt[:, :T], dA_acc.sum(0), dB[:, :T], dC[:, :T]


def plain_scan(u, dt, A, B, C):
    """One step at a time, no chunks: what the chunked forward must equal."""
    h = np.zeros((u.shape[0], u.shape[2], A.shape[1]))
    ys = []
    for t in range(u.shape[1]):
        h = np.exp(dt[:, t, :, None] * A) * h + (dt[:, t] * u[:, t])[:, :, None] * B[:, t, None, :]
        ys.append((h * C[:, t, None, :]).sum(2))
    return np.stack(ys, 1), h


def random_inputs(rng, b, T, D, n):
    """Magnitudes as in training: dt = softplus(N(-3, 1)), A = -exp(log-spaced 1e-3..1)."""
    u = rng.standard_normal((b, T, D))
    dt = np.log1p(np.exp(rng.standard_normal((b, T, D)) - 3))
    A = -np.exp(np.linspace(np.log(1e-3), 0, D * n)).reshape(D, n)
    # larger dt than training on a few channels so that the decay matters within 13 steps
    dt[:, :, : D // 2] *= 20
    B, C = rng.standard_normal((b, T, n)), rng.standard_normal((b, T, n))
    return u, dt, A, B, C


def rel(a, b):
    return float(np.linalg.norm(a - b) / (np.linalg.norm(b) + 1e-300))


def check(b, T, D, n, chunk, seed):
    rng = np.random.default_rng(seed)
    inputs = random_inputs(rng, b, T, D, n)
    wy, wf = rng.standard_normal((b, T, D)), rng.standard_normal((b, D, n))

    def loss(*xs):
        y, final, _ = selective_scan_fused_reference(*xs, chunk)
        return float((y * wy).sum() + (final * wf).sum())

    y, final, hs = selective_scan_fused_reference(*inputs, chunk)
    y0, final0 = plain_scan(*inputs)
    errs = {"y": rel(y, y0), "final": rel(final, final0)}
    grads = selective_scan_fused_reference_backward(*inputs, hs, wy, wf, chunk)
    eps = 1e-6
    for name, x, g in zip(("u", "dt", "A", "B", "C"), inputs, grads):
        num = np.zeros_like(x)
        for idx in np.ndindex(*x.shape):
            keep = x[idx]
            x[idx] = keep + eps
            lp = loss(*inputs)
            x[idx] = keep - eps
            lm = loss(*inputs)
            x[idx] = keep
            num[idx] = (lp - lm) / (2 * eps)
        errs["d" + name] = rel(g, num)
    return errs


def main():
    worst = 0.0
    for b, T, D, n, chunk in ((2, 13, 8, 4, 4), (2, 12, 8, 4, 4), (2, 13, 8, 4, 5), (1, 3, 8, 4, 4)):
        errs = check(b, T, D, n, chunk, seed=T * 100 + chunk)
        worst = max(worst, max(errs.values()))
        print(f"b {b} T {T} D {D} n {n} chunk {chunk}: " + "  ".join(f"{k} {v:.1e}" for k, v in errs.items()))
    ok = worst < 1e-6
    print(f"worst relative error {worst:.1e}: {'pass' if ok else 'FAIL'} (bound 1e-6)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
