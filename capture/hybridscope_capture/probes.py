"""The engine's probes (engine/probes/attention-probe.ts, ssm-probe.ts, implicit.ts; the expert
routing of engine/forward.ts) computed with torch on the layer's device, in bounded memory: attention
probabilities one block of query rows at a time (never T × T), SSM states by a chunked scan (never T
states). Budget charges come first and in the engine's order, and an array the budget refuses is not
computed.

Probe math runs in float64 (the engine's scores and states are float64): H100s run it at full rate,
and the arrays are small; the inputs are the model's own float32/bf16 values. Each function returns
the record's part (a dict in the engine's key order) or None; arrays come back as numpy float32."""
import math

import torch

WIDE = torch.float64
# Bytes one chunk of a scan or one block of attention rows may take on the device.
BLOCK_BYTES = 256 * 2 ** 20
# engine/probes/ssm-probe.ts MAMBA1_ROW_COST: exp() evaluations for Mamba-1 implicit rows before channels are sampled.
MAMBA1_ROW_COST = 5e7


def f32(t):
    return t.detach().to("cpu", torch.float32).contiguous().numpy().reshape(-1)


def tensor(shape, t):
    return {"dtype": "f32", "shape": list(shape), "data": f32(t)}


def entry_mass(rows, entries):
    """(…, E): Σ_{s in [a, b)} rows[…, s] for each entry, from prefix sums."""
    cs = torch.nn.functional.pad(torch.cumsum(rows, dim=-1), (1, 0))
    a = torch.tensor([e[0] for e in entries], device=rows.device)
    b = torch.tensor([e[1] for e in entries], device=rows.device)
    return cs[..., b] - cs[..., a]


# --- attention -------------------------------------------------------------------------------

def attention_probe(q, k, scaling, plan, budget, name):
    """q (H, T, hd), k (KVH, T, hd) → {H, focusProbs, pooled, pooledStride, entryMass} (attention-probe.ts)."""
    H, T, hd = q.shape
    KVH = k.shape[0]
    R, E = len(plan.focus), len(plan.entries)
    stride = math.ceil(T / plan.pooled_size)
    S = math.ceil(T / stride)
    want_rows = want_pooled = want_mass = False
    if plan.attention:
        want_rows = budget.floats(H * R * T, f"{name} focus rows")
        want_pooled = budget.floats(H * S * S, f"{name} pooled map")
        want_mass = E > 0 and budget.floats(H * R * E, f"{name} entry mass")
    if plan.keep_context:
        budget.take(T * (H + KVH) * hd * 4, f"{name} q/k for tiles")
    if not (want_rows or want_pooled or want_mass):
        return None
    k = k.to(WIDE).repeat_interleave(H // KVH, dim=0)  # (H, T, hd)
    q = q.to(WIDE)
    out = {"H": H}
    if want_rows or want_mass:
        focus = torch.tensor(plan.focus, device=q.device)
        probs = softmax_rows(q[:, focus] @ k.transpose(1, 2) * scaling, focus)  # (H, R, T)
        if want_rows:
            out["focusProbs"] = tensor([H, R, T], probs)
    if want_pooled:
        out["pooled"] = tensor([H, S, S], pooled_map(q, k, scaling, stride, S))
        out["pooledStride"] = stride
    if want_mass:
        out["entryMass"] = tensor([H, R, E], entry_mass(probs, plan.entries))
    return out


def softmax_rows(scores, positions):
    """Causal softmax of scores (H, n, T) whose rows sit at `positions` (n,): keys after a row are masked."""
    cols = torch.arange(scores.shape[-1], device=scores.device)
    scores = scores.masked_fill(cols[None, None, :] > positions[None, :, None], float("-inf"))
    return torch.softmax(scores, dim=-1)


def pooled_map(q, k, scaling, stride, S):
    """Max of the probabilities over stride × stride cells, (H, S, S), one block of query rows at a
    time (whole cells per block); a block sees only the keys up to its last row."""
    H, T, _ = q.shape
    rows = max(stride, (BLOCK_BYTES // (8 * 3 * H * T)) // stride * stride)
    pooled = torch.zeros(H, S, S, dtype=WIDE, device=q.device)
    for t0 in range(0, T, rows):
        t1 = min(T, t0 + rows)
        cols = math.ceil(t1 / stride) * stride
        probs = softmax_rows(q[:, t0:t1] @ k[:, :t1].transpose(1, 2) * scaling, torch.arange(t0, t1, device=q.device))
        probs = torch.nn.functional.pad(probs, (0, cols - t1, 0, (-(t1 - t0)) % stride))  # zeros never win a max
        cells = probs.reshape(H, -1, stride, cols // stride, stride).amax(dim=(2, 4))
        pooled[:, t0 // stride: t0 // stride + cells.shape[1], : cols // stride] = cells
    return pooled


# --- Mamba-2 ---------------------------------------------------------------------------------

def mamba2_probe(x, B, C, dt, A, plan, budget, name):
    """x (T, H, P), B/C (T, G, N), dt (T, H) float32, A (H) float64 → the SsmRecord (ssm-probe.ts mamba2Capture)."""
    T, H, P = x.shape
    G, N = B.shape[1:]
    R, E = len(plan.focus), len(plan.entries)
    if not plan.ssm:
        return None
    want_norm = budget.floats(H * T, f"{name} state norms")
    want_states = plan.states and budget.floats(R * H * P * N, f"{name} states at focus positions")
    want_dt = budget.floats(H * T, f"{name} dt")
    want_decay = budget.floats(H * T, f"{name} decay")
    want_rows = budget.floats(H * R * T, f"{name} implicit rows")
    want_mass = E > 0 and budget.floats(H * R * E, f"{name} implicit entry mass")
    if plan.keep_context:
        budget.take(T * (H + 2 * G * N) * 4, f"{name} dt/B/C for tiles")
    dtw = dt.to(WIDE)
    cum = torch.cumsum(dtw * A.to(x.device), dim=0).T  # (H, T): Σ_{k≤t} dt_k A
    norms, states = mamba2_scan(x, dtw, B, cum, plan.focus, want_norm or want_states)
    r = {"variant": "mamba2", "H": H, "channelsPerGroup": P}
    if want_dt:
        r["dt"] = tensor([H, T], dt.T)
    if want_norm:
        r["stateNorm"] = tensor([H, T], norms)
    if want_decay:
        r["decay"] = tensor([H, T], torch.exp(cum))
    if want_states:
        r["states"] = tensor([R, H, P, N], states)
    r["statePositions"] = list(plan.focus) if want_states else []
    rows = mamba2_rows(C, B, dtw, cum, plan.focus) if want_rows or want_mass else None  # mass needs the rows kept or not
    if want_rows:
        r["implicitRows"] = tensor([H, R, T], rows)
    if want_mass:
        r["entryMass"] = tensor([H, R, E], entry_mass(rows.abs(), plan.entries))
    return r


def mamba2_scan(x, dt, B, cum, focus, needed):
    """‖h_t‖ per head (H, T) and the states at `focus` (R, H, P, N), chunk by chunk:
    h_t = exp(cum_t − cum_{c−1}) h_{c−1} + Σ_{c≤s≤t} exp(cum_t − cum_s) dt_s x_s ⊗ B_s.
    Head h reads B of group ⌊h·G/H⌋; inputs are widened a chunk at a time."""
    T, H, P = x.shape
    G, N = B.shape[1:]
    norms = torch.zeros(H, T, dtype=WIDE, device=x.device)
    snaps = torch.zeros(len(focus), H, P, N, dtype=WIDE, device=x.device)
    if not needed:
        return norms, snaps
    Q = max(1, min(64, BLOCK_BYTES // (8 * 4 * H * P * N)))  # the bmm's work grows with Q; 64 keeps its loop short
    h = torch.zeros(H, P * N, dtype=WIDE, device=x.device)
    mask = torch.ones(Q, Q, dtype=torch.bool, device=x.device).triu(1)
    for c0 in range(0, T, Q):
        c1 = min(T, c0 + Q)
        n = c1 - c0
        cc = cum[:, c0:c1]  # (H, n)
        L = torch.exp((cc[:, :, None] - cc[:, None, :]).masked_fill(mask[:n, :n], float("-inf")))  # (H, t, s)
        Bh = B[c0:c1].to(WIDE).repeat_interleave(H // G, dim=1)  # (n, H, N)
        xb = (dt[c0:c1, :, None] * x[c0:c1].to(WIDE))[..., None] * Bh[:, :, None, :]  # (n, H, P, N)
        hs = torch.bmm(L, xb.permute(1, 0, 2, 3).reshape(H, n, P * N))  # (H, n, P·N)
        start = cum[:, c0 - 1] if c0 > 0 else torch.zeros_like(cc[:, 0])
        hs += torch.exp(cc - start[:, None])[..., None] * h[:, None, :]
        norms[:, c0:c1] = hs.norm(dim=-1)
        for r, t in enumerate(focus):
            if c0 <= t < c1:
                snaps[r] = hs[:, t - c0].reshape(H, P, N)
        h = hs[:, -1]
    return norms, snaps


def mamba2_rows(C, B, dt, cum, focus):
    """M[t, s] = (C_t·B_s) · exp(cum_t − cum_s) · dt_s for s ≤ t, 0 after, at the focus rows: (H, R, T);
    C_t·B_s is computed once per group and shared by the group's heads."""
    T, G, _ = B.shape
    H = cum.shape[0]
    f = torch.tensor(focus, device=B.device)
    cb = torch.einsum("rgn,sgn->grs", C[f].to(WIDE), B.to(WIDE)).repeat_interleave(H // G, dim=0)  # (H, R, T)
    gap = cum[:, f][:, :, None] - cum[:, None, :]
    keep = torch.arange(T, device=B.device)[None, None, :] <= f[None, :, None]
    return torch.where(keep, cb * torch.exp(gap.masked_fill(~keep, 0)) * dt.T[:, None, :], torch.zeros((), dtype=WIDE, device=B.device))


# --- Mamba-1 ---------------------------------------------------------------------------------

def mamba1_probe(x, delta, B, C, A, plan, budget, name):
    """x/delta (T, I), B/C (T, N) float32, A (I, N) float64 → the SsmRecord (ssm-probe.ts mamba1Capture),
    channels summarised in groups as the engine does."""
    T, I = x.shape
    N = B.shape[1]
    R, E = len(plan.focus), len(plan.entries)
    if not plan.ssm:
        return None
    groups = max(1, min(plan.mamba1_groups, I))
    while I % groups:
        groups -= 1
    cpg = I // groups
    want_norm = budget.floats(groups * T, f"{name} state norms")
    want_states = plan.states and budget.floats(R * I * N, f"{name} states at focus positions")
    want_dt = budget.floats(groups * T, f"{name} dt")
    want_decay = budget.floats(groups * T, f"{name} decay")
    want_rows = budget.floats(groups * R * T, f"{name} implicit rows")
    want_mass = E > 0 and budget.floats(groups * R * E, f"{name} implicit entry mass")
    step = max(1, math.ceil(R * T * T * I * N / 2 / MAMBA1_ROW_COST))
    if plan.keep_context:
        budget.take(T * (I + 2 * N) * 4, f"{name} Δ/B/C for tiles")
    A = A.to(x.device)
    dw = delta.to(WIDE)
    cum = torch.cumsum(dw, dim=0).T  # (I, T): Σ_{k≤t} Δ_k
    r = {"variant": "mamba1", "H": groups, "channelsPerGroup": cpg}
    if want_dt:
        r["dt"] = tensor([groups, T], dw.T.reshape(groups, cpg, T).mean(dim=1))
    norms, states = mamba1_scan(x.to(WIDE), dw, B.to(WIDE), A, groups, plan.focus, want_norm or want_states)
    if want_norm:
        r["stateNorm"] = tensor([groups, T], norms)
    if want_decay:  # exp of the group's mean log-decay, the log-decay of a channel being mean_n A[d, n] · cumΔ_d
        r["decay"] = tensor([groups, T], torch.exp((A.mean(dim=1)[:, None] * cum).reshape(groups, cpg, T).mean(dim=1)))
    if want_states:
        r["states"] = tensor([R, I, N], states)
    r["statePositions"] = list(plan.focus) if want_states else []
    rows = mamba1_rows(dw, B.to(WIDE), C.to(WIDE), A, cum, groups, step, plan.focus) if want_rows or want_mass else None
    if want_rows:
        r["implicitRows"] = tensor([groups, R, T], rows)
        r["implicitChannels"] = math.ceil(cpg / step)
    if want_mass:
        r["entryMass"] = tensor([groups, R, E], entry_mass(rows.abs(), plan.entries))
    return r


def mamba1_scan(x, delta, B, A, groups, focus, needed):
    """‖h_t‖ over each group's channels (groups, T) and the states at `focus` (R, I, N): the
    recurrence h_t[d] = exp(Δ_t[d] A[d]) ⊙ h_{t−1}[d] + Δ_t[d] x_t[d] B_t, a block of tokens at a time
    (its exp() and inputs computed at once, then one multiply-add per token). A chunked form as for
    Mamba-2 would need exp() of Q² terms per channel and state index, A being per (d, n)."""
    T, I = x.shape
    N = B.shape[1]
    norms = torch.zeros(groups, T, dtype=WIDE, device=x.device)
    snaps = torch.zeros(len(focus), I, N, dtype=WIDE, device=x.device)
    if not needed:
        return norms, snaps
    Q = max(1, min(256, BLOCK_BYTES // (8 * 3 * I * N)))
    h = torch.zeros(I, N, dtype=WIDE, device=x.device)
    for c0 in range(0, T, Q):
        c1 = min(T, c0 + Q)
        dA = torch.exp(delta[c0:c1, :, None] * A)  # (n, I, N)
        hs = (delta[c0:c1] * x[c0:c1])[:, :, None] * B[c0:c1, None, :]  # (n, I, N): Δ x B, then the states
        for j in range(c1 - c0):
            h = torch.addcmul(hs[j], dA[j], h)
            hs[j] = h
        norms[:, c0:c1] = hs.reshape(c1 - c0, groups, -1).norm(dim=-1).T
        for r, t in enumerate(focus):
            if c0 <= t < c1:
                snaps[r] = hs[t - c0]
    return norms, snaps


def mamba1_rows(delta, B, C, A, cum, groups, step, focus):
    """Per group, the mean over channels d0, d0+step, … of M_d[t, s] = Δ_s[d] Σ_n C_t[n] B_s[n]
    exp(A[d, n]·(cumΔ_t − cumΔ_s)[d]), s ≤ t (implicit.ts mamba1ImplicitRow): (groups, R, T)."""
    T, I = delta.shape
    cpg = I // groups
    rows = torch.zeros(groups, len(focus), T, dtype=WIDE, device=delta.device)
    chans = torch.arange(0, cpg, step, device=delta.device)
    for r, t in enumerate(focus):
        cb = C[t][:, None] * B[: t + 1].T  # (N, s)
        for g in range(groups):
            d = g * cpg + chans
            gap = cum[d, t][:, None] - cum[d, : t + 1]  # (c, s)
            acc = (cb[None] * torch.exp(A[d][:, :, None] * gap[:, None, :])).sum(dim=1)  # (c, s)
            rows[g, r, : t + 1] = (acc * delta[: t + 1, d].T).mean(dim=0)
    return rows


# --- mixture of experts ----------------------------------------------------------------------

def moe_probe(experts, weights, E, plan, budget, name):
    """experts (T, k) indices best first, weights (T, k) → the MoeRecord (forward.ts, an `E` block)."""
    if not plan.moe:
        return None
    T, k = experts.shape
    if not budget.floats(2 * T * k, f"{name} expert routing"):
        return None
    return {"E": E, "topK": k, "experts": tensor([T, k], experts), "weights": tensor([T, k], weights)}
