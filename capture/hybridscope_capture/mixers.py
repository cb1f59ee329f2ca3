"""What each mixer kind's probes are computed from, recomputed from the mixer's own normed input u
(1, T, D) with its own weights and transformers' own steps, in the model's dtype up to the point
where transformers itself widens to float32. Each function cites the forward it mirrors.

A new family whose mixers follow the same math reuses these; one with other weights or steps
(Falcon-H1's multipliers, Qwen-style q/k norms) adds its own function here."""
import sys

import torch
import torch.nn.functional as F


def causal_conv(m, xin):
    """causal_conv1d_fn of modeling_mamba2 / modeling_nemotron_h / modeling_mamba: depthwise conv
    over (1, C, T) padded K-1 on the left, then the mixer's activation; (1, C, T) in u's dtype."""
    T = xin.shape[-1]
    w = m.conv1d.weight  # (C, 1, K)
    out = F.conv1d(xin.to(w.dtype), w, m.conv1d.bias, padding=w.shape[-1] - 1, groups=w.shape[0])[..., :T]
    return m.act(out).to(xin.dtype)


def mamba2_inputs(m, u):
    """Mamba2Mixer / NemotronHMamba2Mixer.torch_forward up to the scan: x (T, H, P), B and C
    (T, G, N), dt (T, H) after softplus(dt + dt_bias) and the clamp to time_step_limit, all float32;
    A (H) = -exp(A_log) in float64."""
    T = u.shape[1]
    H, P, G, N = m.num_heads, m.head_dim, m.n_groups, m.ssm_state_size
    proj = m.in_proj(u)  # (1, T, I + convDim + H)
    _, xbc, dt = proj.split([m.intermediate_size, m.conv_dim, H], dim=-1)
    xbc = causal_conv(m, xbc.transpose(1, 2))[0].transpose(0, 1)  # (T, convDim)
    x, B, C = torch.split(xbc, [m.intermediate_size, G * N, G * N], dim=-1)
    dt = F.softplus(dt[0] + m.dt_bias.to(dt.dtype))  # (T, H), in the model's dtype as mamba2_chunk_scan does
    lo, hi = m.time_step_limit
    dt = torch.clamp(dt, min=lo, max=hi)
    A = -torch.exp(m.A_log.double())
    return (x.float().reshape(T, H, P), B.float().reshape(T, G, N), C.float().reshape(T, G, N), dt.float(), A)


def mamba1_inputs(m, u):
    """MambaMixer.forward (torch path) up to the selective scan: x (T, I), delta (T, I) =
    softplus(dt_proj(dt_r) + bias) in the model's dtype, B and C (T, N), float32; A (I, N) float64."""
    proj = m.in_proj(u).transpose(1, 2)  # (1, 2I, T)
    xin, _ = proj.chunk(2, dim=1)
    x = causal_conv(m, xin)  # (1, I, T)
    dtr, B, C = torch.split(m.x_proj(x.transpose(1, 2)), [m.time_step_rank, m.ssm_state_size, m.ssm_state_size], dim=-1)
    dt = m.dt_proj.weight @ dtr.transpose(1, 2)  # (1, I, T)
    if m.dt_proj.bias is not None:
        dt = dt + m.dt_proj.bias.to(dt.dtype)[..., None]  # mamba_selective_scan adds the bias in dt's dtype
    delta = F.softplus(dt)[0].transpose(0, 1)  # (T, I)
    A = -torch.exp(m.A_log.double())
    return x[0].transpose(0, 1).float(), delta.float(), B[0].float(), C[0].float(), A


def attention_qk(m, u, kwargs):
    """q (H, T, hd) and k (KVH, T, hd) of LlamaAttention / NemotronHAttention.forward, after RoPE
    when the model passes position_embeddings (the function of the mixer's own module applies it);
    float32."""
    T = u.shape[1]
    hd = m.head_dim
    q = m.q_proj(u).view(1, T, -1, hd).transpose(1, 2)  # (1, H, T, hd)
    k = m.k_proj(u).view(1, T, -1, hd).transpose(1, 2)  # (1, KVH, T, hd)
    pe = kwargs.get("position_embeddings")
    if pe is not None:
        rope = sys.modules[type(m).__module__].apply_rotary_pos_emb
        q, k = rope(q, k, *pe)
    return q[0].float(), k[0].float()
