"""What each mixer kind's probes are computed from, recomputed from the mixer's own normed input u
(1, T, D) with its own weights and transformers' own steps, in the model's dtype up to the point
where transformers itself widens to float32. Each function cites the forward it mirrors.

A new family whose mixers follow the same math reuses these; one with other weights or steps
(Falcon-H1's multipliers, Zamba2's adapters) adds its own function here."""
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
    """Mamba2Mixer / NemotronHMamba2Mixer / GraniteMoeHybridMambaLayer / BambaMixer / Zamba2MambaMixer
    forward up to the scan: see mamba2_split."""
    return mamba2_split(m, m.in_proj(u))


def falcon_h1_mamba2_inputs(m, u):
    """FalconH1Mixer.forward: u × ssm_in_multiplier, and in_proj's output × its μP vector (z, x, B,
    C and dt each their own multiplier); then as mamba2_split."""
    return mamba2_split(m, m.in_proj(u * m.ssm_in_multiplier) * m.mup_vector)


def mamba2_split(m, proj):
    """From in_proj's output (1, T, I + convDim + H): x (T, H, P), B and C (T, G, N), dt (T, H) after
    softplus(dt + dt_bias) and the clamp to time_step_limit, all float32; A (H) = -exp(A_log) in float64."""
    T = proj.shape[1]
    H, P, G, N = m.num_heads, m.head_dim, m.n_groups, m.ssm_state_size
    _, xbc, dt = proj.split([m.intermediate_size, m.conv_dim, H], dim=-1)
    xbc = causal_conv(m, xbc.transpose(1, 2))[0].transpose(0, 1)  # (T, convDim)
    x, B, C = torch.split(xbc, [m.intermediate_size, G * N, G * N], dim=-1)
    dt = F.softplus(dt[0] + m.dt_bias.to(dt.dtype))  # (T, H), in the model's dtype as mamba2_chunk_scan does
    lo, hi = m.time_step_limit
    dt = torch.clamp(dt, min=lo, max=hi)
    A = -torch.exp(m.A_log.double())
    return (x.float().reshape(T, H, P), B.float().reshape(T, G, N), C.float().reshape(T, G, N), dt.float(), A)


def mamba1_inputs(m, u):
    """MambaMixer / FalconMambaMixer / JambaMambaMixer.forward (torch path) up to the selective scan:
    x (T, I), delta (T, I) = softplus(dt_proj(dt_r) + bias) in the model's dtype, B and C (T, N),
    float32; A (I, N) float64. Falcon-Mamba and Jamba RMS-normalise dt_r, B and C with the mixer's
    own dt/b/c_layernorm (Falcon-Mamba's without weights) right after x_proj."""
    proj = m.in_proj(u).transpose(1, 2)  # (1, 2I, T)
    xin, _ = proj.chunk(2, dim=1)
    x = causal_conv(m, xin)  # (1, I, T)
    dtr, B, C = torch.split(m.x_proj(x.transpose(1, 2)), [m.time_step_rank, m.ssm_state_size, m.ssm_state_size], dim=-1)
    if hasattr(m, "dt_layernorm"):
        dtr, B, C = m.dt_layernorm(dtr), m.b_layernorm(B), m.c_layernorm(C)
    dt = m.dt_proj.weight @ dtr.transpose(1, 2)  # (1, I, T)
    if m.dt_proj.bias is not None:
        dt = dt + m.dt_proj.bias.to(dt.dtype)[..., None]  # mamba_selective_scan adds the bias in dt's dtype
    delta = F.softplus(dt)[0].transpose(0, 1)  # (T, I)
    A = -torch.exp(m.A_log.double())
    return x[0].transpose(0, 1).float(), delta.float(), B[0].float(), C[0].float(), A


def attention_qk(m, u, kwargs):
    """q (H, T, hd) and k (KVH, T, hd) of LlamaAttention / NemotronHAttention / GraniteMoeHybridAttention /
    BambaAttention / JambaAttention.forward: see heads."""
    return heads(m, m.q_proj(u), m.k_proj(u), kwargs)


def falcon_h1_attention_qk(m, u, kwargs):
    """FalconH1Attention.forward: keys × key_multiplier before RoPE (u already carries
    attention_in_multiplier: the decoder layer passes it so)."""
    return heads(m, m.q_proj(u), m.k_proj(u) * m.key_multiplier, kwargs)


def zamba2_attention_qk(m, u, kwargs):
    """Zamba2Attention.forward: q and k from the shared projections plus this depth's adapters
    (use_shared_attention_adapter; the depth from the layer index the layer passes)."""
    q, k = m.q_proj(u), m.k_proj(u)
    if m.config.use_shared_attention_adapter:
        a = m.layer_dic[kwargs["layer_idx"]]
        q, k = q + m.linear_q_adapter_list[a](u), k + m.linear_k_adapter_list[a](u)
    return heads(m, q, k, kwargs)


def heads(m, q, k, kwargs):
    """Projections (1, T, ·) as heads, after RoPE when the model passes position_embeddings (the
    function of the mixer's own module applies it; partial rotary widths included): q (H, T, hd),
    k (KVH, T, hd), float32."""
    T = q.shape[1]
    hd = m.head_dim
    q = q.view(1, T, -1, hd).transpose(1, 2)  # (1, H, T, hd)
    k = k.view(1, T, -1, hd).transpose(1, 2)  # (1, KVH, T, hd)
    pe = kwargs.get("position_embeddings")
    if pe is not None:
        rope = sys.modules[type(m).__module__].apply_rotary_pos_emb
        q, k = rope(q, k, *pe)
    return q[0].float(), k[0].float()


def granite_routing(m, u):
    """GraniteMoeHybridMoE's router (GraniteMoeHybridTopKRouter): experts (T, k), best first, and
    their weights (T, k), the softmax over the k chosen logits; and E."""
    experts, weights, _ = m.router(u.reshape(-1, u.shape[-1]))
    return experts, weights.float(), m.router.num_experts


def jamba_routing(m, u):
    """JambaSparseMoeBlock.route_tokens_to_experts: the k most probable experts (T, k) under the
    softmax over all E logits, and those probabilities (T, k); and E."""
    h = u.reshape(-1, u.shape[-1])
    experts, weights = m.route_tokens_to_experts(h, m.router(h))
    return experts, weights.float(), m.num_experts
