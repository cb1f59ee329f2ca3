"""Training-time scans for Mamba-2 (chunked SSD) and Mamba-1 (chunked selective scan).

transformers' torch paths are the reference twins: NemotronHMamba2Mixer / Mamba2Mixer.torch_forward
(naive SSD that materialises (b, c, l, s, h, n)) and MambaMixer.slow_forward (one step per token).
bench.py checks these against them (outputs and input gradients) before any training.

Glossary: b batch, T tokens, h heads, p head dim, g groups, n state, c chunks, Q chunk length,
D channels (Mamba-1 d_inner). A < 0; dt > 0 already softplus'ed; decay exp(dt * A).
Mamba-2 paper (arXiv 2405.21060) section 6 gives the four SSD steps used below.
"""

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


def pad_time(t, pad):
    """Zero-pad dim 1 (time). dt = 0 there keeps the state unchanged (decay 1, input 0)."""
    if pad == 0:
        return t
    return F.pad(t, (0, 0) * (t.ndim - 2) + (0, pad))


def segsum_exp(a):
    """exp(sum_{j<k<=i} a_k) for i >= j, 0 above the diagonal: (..., Q) -> (..., Q, Q)."""
    q = a.shape[-1]
    cs = torch.cumsum(a, dim=-1)
    diff = cs[..., :, None] - cs[..., None, :]
    mask = torch.tril(torch.ones(q, q, dtype=torch.bool, device=a.device))
    return torch.exp(diff.masked_fill(~mask, float("-inf")))


def ssd_chunked(x, dt, A, B, C, chunk):
    """y_t = sum_{s<=t} C_t.B_s exp(sum_{s<k<=t} dt_k A) dt_s x_s, chunk by chunk.

    x (b, T, h, p), dt (b, T, h), A (h,), B and C (b, T, g, n) -> y (b, T, h, p), final state (b, h, p, n).
    """
    b, T, h, p = x.shape
    g = B.shape[2]
    pad = (-T) % chunk
    x, dt, B, C = (pad_time(t, pad) for t in (x, dt, B, C))
    c = (T + pad) // chunk
    B = B.repeat_interleave(h // g, dim=2).view(b, c, chunk, h, -1)  # (b, c, Q, h, n)
    C = C.repeat_interleave(h // g, dim=2).view(b, c, chunk, h, -1)  # (b, c, Q, h, n)
    xdt = (x * dt[..., None]).view(b, c, chunk, h, p)                # (b, c, Q, h, p)
    a = (dt * A).view(b, c, chunk, h).permute(0, 3, 1, 2)            # (b, h, c, Q)
    acs = torch.cumsum(a, dim=-1)                                    # (b, h, c, Q)

    # 1. within each chunk: the quadratic (attention-like) form
    L = segsum_exp(a)                                                # (b, h, c, Q, Q)
    G = torch.einsum("bclhn,bcshn->bhcls", C, B)                     # (b, h, c, Q, Q)
    y_diag = torch.einsum("bhcls,bcshp->bclhp", G * L, xdt)          # (b, c, Q, h, p)
    # 2. the state each chunk ends with, from its own inputs
    decay_to_end = torch.exp(acs[..., -1:] - acs)                    # (b, h, c, Q)
    Bd = B * decay_to_end.permute(0, 2, 3, 1)[..., None]             # (b, c, Q, h, n)
    states = torch.einsum("bclhn,bclhp->bchpn", Bd, xdt)             # (b, c, h, p, n)
    # 3. pass states from chunk to chunk
    states = torch.cat([torch.zeros_like(states[:, :1]), states], dim=1)   # (b, c+1, h, p, n)
    chunk_decay = segsum_exp(F.pad(acs[..., -1], (1, 0)))            # (b, h, c+1, c+1)
    states = torch.einsum("bhzc,bchpn->bzhpn", chunk_decay, states)  # (b, c+1, h, p, n)
    states, final = states[:, :-1], states[:, -1]
    # 4. what the carried-in state contributes inside each chunk
    decay_from_start = torch.exp(acs).permute(0, 2, 3, 1)[..., None]   # (b, c, Q, h, 1)
    y_off = torch.einsum("bclhn,bchpn->bclhp", C, states) * decay_from_start
    y = (y_diag + y_off).reshape(b, c * chunk, h, p)[:, :T]
    return y, final


def _selective_scan(u, dt, A, B, C, chunk):
    b, T, D = u.shape
    pad = (-T) % chunk
    u, dt, B, C = (pad_time(t, pad) for t in (u, dt, B, C))
    c = (T + pad) // chunk
    dA = torch.exp(dt[..., None] * A).view(b, c, chunk, D, -1)               # (b, c, Q, D, n)
    dBu = ((dt * u)[..., None] * B[:, :, None, :]).view(b, c, chunk, D, -1)  # (b, c, Q, D, n)
    C = C.view(b, c, chunk, -1)                                              # (b, c, Q, n)
    # pass 1: every chunk scans its own inputs from a zero state, all chunks at once
    hs = torch.zeros_like(dA[:, :, 0])                                       # (b, c, D, n)
    ys = []
    for j in range(chunk):
        hs = dA[:, :, j] * hs + dBu[:, :, j]
        ys.append(torch.einsum("bcdn,bcn->bcd", hs, C[:, :, j]))
    # pass 2: carry the states across chunks (c steps)
    total = torch.exp(dt.view(b, c, chunk, D).sum(2)[..., None] * A)         # (b, c, D, n)
    carry = torch.zeros_like(hs[:, 0])                                        # (b, D, n)
    carried = []
    for k in range(c):
        carried.append(carry)
        carry = total[:, k] * carry + hs[:, k]
    # pass 3: the carried-in state decays through its chunk and adds to the outputs
    h0 = torch.stack(carried, dim=1)                                          # (b, c, D, n)
    for j in range(chunk):
        h0 = dA[:, :, j] * h0
        ys[j] = ys[j] + torch.einsum("bcdn,bcn->bcd", h0, C[:, :, j])
    y = torch.stack(ys, dim=2).reshape(b, c * chunk, D)[:, :T]                # (b, T, D)
    return y, carry


def selective_scan_chunked(u, dt, A, B, C, chunk=32, recompute=False):
    """Mamba-1: h_t = exp(dt_t A) h_{t-1} + dt_t B_t u_t; y_t = C_t . h_t  (per channel d).

    u, dt (b, T, D); A (D, n); B, C (b, T, n) -> y (b, T, D), final state (b, D, n).
    About 2Q + T/Q small steps instead of T; recompute=True recomputes it in backward (memory).
    """
    if recompute and torch.is_grad_enabled():
        return checkpoint(_selective_scan, u, dt, A, B, C, chunk, use_reentrant=False)
    return _selective_scan(u, dt, A, B, C, chunk)
