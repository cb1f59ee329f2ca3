"""Reference fixtures of the model families beyond the bundled four (make_fixtures.py makes them).

Each family is read by its own adapter in engine/models/; here, for each family, its cases (two per
family: the one the adapter was written against, and an `_unseen` one made afterwards with other seeds
and shapes) and `structure(model)`: how transformers' modules map onto the engine's blocks, in the
layout notation of engine/layout.ts:

  m Mamba-1   M Mamba-2   * attention   - MLP   E mixture-of-experts MLP
  P parallel layer (Falcon-H1: attention and Mamba-2 side by side on one normed input)
  S shared-transformer layer (Zamba2: a transformer block whose weights are shared between depths,
    with per-depth LoRA adapters and its own output linear, feeding the layer's Mamba-2; one block)

A transformers decoder layer with a mixer and an MLP (granitemoehybrid, bamba, falcon_h1) is two
blocks, 2i and 2i + 1; a falcon_mamba or zamba2 layer is one block.
"""

import torch

# chunk_size 16 in every Mamba-2 config: no T is a multiple of it, all exceed it.
CASES = [
    dict(name="falcon_mamba", cls="FalconMambaForCausalLM", T=29, seed=21, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=3, expand=2, state_size=8, conv_kernel=4,
        time_step_rank=4, tie_word_embeddings=True, layer_norm_epsilon=1e-5, mixer_rms_eps=1e-6),
        notes="Falcon-Mamba: Mamba-1 with RMS-normalised dt, B, C (no weights); tied head"),
    dict(name="falcon_mamba_unseen", cls="FalconMambaForCausalLM", T=35, seed=121, config=dict(
        vocab_size=72, hidden_size=24, num_hidden_layers=4, expand=3, state_size=6, conv_kernel=3,
        time_step_rank=3, tie_word_embeddings=False, layer_norm_epsilon=1e-6, mixer_rms_eps=1e-5),
        notes="Falcon-Mamba, other shapes: untied head, conv width 3, eps 1e-5 in the mixer norms"),
    dict(name="granitemoehybrid_moe", cls="GraniteMoeHybridForCausalLM", T=27, seed=42, config=dict(
        vocab_size=80, hidden_size=32, num_hidden_layers=4,
        layer_types=["mamba", "attention", "mamba", "mamba"], num_attention_heads=4, num_key_value_heads=2,
        mamba_n_heads=8, mamba_d_head=8, mamba_n_groups=2, mamba_d_state=8, mamba_d_conv=4, mamba_chunk_size=16,
        intermediate_size=16, shared_intermediate_size=24, num_local_experts=4, num_experts_per_tok=2,
        position_embedding_type="rope", rope_parameters={"rope_type": "default", "rope_theta": 1000.0},
        embedding_multiplier=3.0, logits_scaling=2.5, residual_multiplier=0.6, attention_multiplier=0.3,
        rms_norm_eps=1e-6, tie_word_embeddings=False),
        notes="Granite-4.0-H shape: Mamba-2 and GQA attention (RoPE) layers, 4 experts top-2 + shared MLP, "
              "all four multipliers away from 1"),
    dict(name="granitemoehybrid_dense", cls="GraniteMoeHybridForCausalLM", T=23, seed=23, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=3,
        layer_types=["attention", "mamba", "mamba"], num_attention_heads=4, num_key_value_heads=1,
        mamba_n_heads=4, mamba_d_head=16, mamba_n_groups=1, mamba_d_state=16, mamba_d_conv=4, mamba_chunk_size=16,
        intermediate_size=16, shared_intermediate_size=40, num_local_experts=0, position_embedding_type=None,
        embedding_multiplier=0.5, logits_scaling=0.8, residual_multiplier=1.3, attention_multiplier=0.2,
        rms_norm_eps=1e-5, tie_word_embeddings=True),
        notes="dense Granite-4.0-H (num_local_experts 0: shared_mlp alone), attention without position "
              "embedding first, 4 query heads on 1 KV head, tied head"),
    dict(name="bamba", cls="BambaForCausalLM", T=25, seed=24, config=dict(
        vocab_size=72, hidden_size=32, num_hidden_layers=4, attn_layer_indices=[1],
        num_attention_heads=4, num_key_value_heads=2, mamba_n_heads=8, mamba_n_groups=2, mamba_d_state=8,
        mamba_d_conv=4, mamba_chunk_size=16, intermediate_size=48, rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": 500.0}, tie_word_embeddings=False),
        notes="Bamba: Mamba-2 + attention (RoPE over half of each head, partial_rotary_factor 0.5), SwiGLU MLP"),
    dict(name="falcon_h1", cls="FalconH1ForCausalLM", T=31, seed=25, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
        mamba_d_ssm=48, mamba_n_heads=6, mamba_d_head=8, mamba_n_groups=2, mamba_d_state=8, mamba_d_conv=4,
        mamba_chunk_size=16, mamba_rms_norm=False, intermediate_size=40, rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": 1000.0},
        embedding_multiplier=1.8, lm_head_multiplier=0.7, key_multiplier=1.2, attention_in_multiplier=0.9,
        attention_out_multiplier=0.8, ssm_in_multiplier=1.25, ssm_out_multiplier=0.75,
        ssm_multipliers=[0.5, 1.2, 0.8, 1.1, 0.7], mlp_multipliers=[1.3, 0.6], tie_word_embeddings=False),
        notes="Falcon-H1: parallel attention (GQA 4/2, RoPE) + Mamba-2 (mamba_d_ssm 48, 2 groups, no gated norm), "
              "every multiplier away from 1"),
    dict(name="falcon_h1_norm", cls="FalconH1ForCausalLM", T=19, seed=26, config=dict(
        vocab_size=48, hidden_size=24, num_hidden_layers=2, num_attention_heads=3, num_key_value_heads=1,
        mamba_d_ssm=None, mamba_expand=2, mamba_n_heads=6, mamba_n_groups=3, mamba_d_state=6, mamba_d_conv=4,
        mamba_chunk_size=16, mamba_rms_norm=True, mamba_norm_before_gate=True, intermediate_size=32,
        rms_norm_eps=1e-6, embedding_multiplier=0.6, lm_head_multiplier=1.5, key_multiplier=0.8,
        ssm_multipliers=[1.1, 0.9, 1.3, 0.7, 1.6], mlp_multipliers=[0.8, 1.2], tie_word_embeddings=True),
        notes="Falcon-H1 with the grouped gated norm before the gate (mamba_rms_norm, norm_before_gate), "
              "mamba_d_ssm null (expand · hidden), 3 query heads on 1 KV head, tied head"),
    dict(name="zamba2", cls="Zamba2ForCausalLM", T=25, seed=27, config=dict(
        vocab_size=64, hidden_size=24, num_hidden_layers=7,
        layers_block_type=["mamba", "hybrid", "mamba", "hybrid", "mamba", "hybrid", "hybrid"],
        num_attention_heads=4, num_key_value_heads=4, num_mem_blocks=2, use_shared_attention_adapter=True,
        adapter_rank=4, use_mem_rope=True, rope_parameters={"rope_type": "default", "rope_theta": 1000.0},
        hidden_act="gelu", intermediate_size=32, n_mamba_heads=4, mamba_ngroups=2, mamba_d_state=8,
        mamba_d_conv=4, mamba_expand=2, chunk_size=16, rms_norm_eps=1e-5, tie_word_embeddings=True,
        use_mamba_kernels=False),
        notes="Zamba2: two shared transformer blocks alternating over four hybrid layers (each with its own "
              "q/k/v and gate_up adapters and linear), RoPE, exact-erf GELU MLP, Mamba-2 with 2 groups, tied head"),
    dict(name="zamba2_gqa", cls="Zamba2ForCausalLM", T=22, seed=28, config=dict(
        vocab_size=56, hidden_size=24, num_hidden_layers=4, layers_block_type=["hybrid", "mamba", "hybrid", "mamba"],
        num_attention_heads=4, num_key_value_heads=2, num_mem_blocks=1, use_shared_attention_adapter=False,
        adapter_rank=3, use_mem_rope=False, hidden_act="silu", intermediate_size=40, n_mamba_heads=6,
        mamba_ngroups=1, mamba_d_state=6, mamba_d_conv=4, mamba_expand=2, chunk_size=16, rms_norm_eps=1e-6,
        tie_word_embeddings=False, use_mamba_kernels=False),
        notes="Zamba2 with one shared block reused by both hybrid layers (the first layer is one), GQA 4/2 "
              "without adapters or RoPE, SiLU MLP, untied head"),
    dict(name="jamba", cls="JambaForCausalLM", T=29, seed=29, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=5, num_attention_heads=4, num_key_value_heads=2,
        attn_layer_period=3, attn_layer_offset=1, expert_layer_period=2, expert_layer_offset=1,
        num_experts=4, num_experts_per_tok=2, intermediate_size=24, mamba_d_state=8, mamba_d_conv=4,
        mamba_expand=2, rms_norm_eps=1e-6, tie_word_embeddings=False, use_mamba_kernels=False),
        notes="Jamba: Mamba-1 (weighted dt/B/C norms) and GQA attention without position embedding, "
              "dense SwiGLU and 4-expert top-2 MLPs after each kind"),
    dict(name="granitemoehybrid_unseen", cls="GraniteMoeHybridForCausalLM", T=29, seed=122, dtype="bfloat16", config=dict(
        vocab_size=80, hidden_size=40, num_hidden_layers=4,
        layer_types=["attention", "mamba", "attention", "mamba"], num_attention_heads=5, num_key_value_heads=5,
        mamba_n_heads=10, mamba_d_head=8, mamba_n_groups=5, mamba_d_state=12, mamba_d_conv=3, mamba_chunk_size=16,
        intermediate_size=20, shared_intermediate_size=16, num_local_experts=6, num_experts_per_tok=3,
        position_embedding_type="rope", rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        embedding_multiplier=12.0, logits_scaling=6.0, residual_multiplier=0.22, attention_multiplier=0.125,
        rms_norm_eps=1e-5, tie_word_embeddings=True),
        notes="Granite-4.0-H, other shapes, stored as BF16: 6 experts top-3, 5 groups, conv width 3, "
              "multipliers of a released config's size, tied head"),
    dict(name="falcon_h1_unseen", cls="FalconH1ForCausalLM", T=21, seed=125, config=dict(
        vocab_size=56, hidden_size=40, num_hidden_layers=4, num_attention_heads=5, num_key_value_heads=5,
        mamba_d_ssm=40, mamba_n_heads=5, mamba_n_groups=1, mamba_d_state=12, mamba_d_conv=3,
        mamba_chunk_size=16, mamba_rms_norm=True, mamba_norm_before_gate=False, intermediate_size=24,
        rms_norm_eps=1e-5, rope_parameters={"rope_type": "default", "rope_theta": 100000.0},
        embedding_multiplier=5.0, lm_head_multiplier=0.25, key_multiplier=0.5, attention_in_multiplier=1.5,
        attention_out_multiplier=0.4, ssm_in_multiplier=0.6, ssm_out_multiplier=1.4,
        ssm_multipliers=[0.35, 0.25, 0.5, 0.6, 0.15], mlp_multipliers=[0.4, 1.7], tie_word_embeddings=False),
        notes="Falcon-H1, other shapes: gated norm after the gate (norm_before_gate false), one group, conv "
              "width 3, 5 heads without grouping, other multipliers"),
    dict(name="zamba2_unseen", cls="Zamba2ForCausalLM", T=20, seed=127, dtype="bfloat16", config=dict(
        vocab_size=50, hidden_size=40, num_hidden_layers=8,
        layers_block_type=["hybrid", "mamba", "hybrid", "mamba", "mamba", "hybrid", "hybrid", "mamba"],
        num_attention_heads=5, num_key_value_heads=5, num_mem_blocks=3, use_shared_attention_adapter=True,
        adapter_rank=2, use_mem_rope=True, rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        hidden_act="gelu", intermediate_size=24, n_mamba_heads=5, mamba_ngroups=5, mamba_d_state=4,
        mamba_d_conv=3, mamba_expand=1, chunk_size=16, rms_norm_eps=1e-5, tie_word_embeddings=True,
        use_mamba_kernels=False),
        notes="Zamba2, other shapes, stored as BF16: three shared blocks over four hybrid layers (block 0 again "
              "at the last), a hybrid layer first, head width 16, adapter rank 2, 5 groups, conv width 3, expand 1"),
    dict(name="jamba_unseen", cls="JambaForCausalLM", T=23, seed=129, config=dict(
        vocab_size=48, hidden_size=24, num_hidden_layers=6, num_attention_heads=2, num_key_value_heads=1,
        attn_layer_period=2, attn_layer_offset=0, expert_layer_period=3, expert_layer_offset=2,
        num_experts=3, num_experts_per_tok=1, intermediate_size=20, mamba_d_state=6, mamba_d_conv=3,
        mamba_expand=2, mamba_dt_rank=3, rms_norm_eps=1e-5, tie_word_embeddings=True, use_mamba_kernels=False),
        notes="Jamba, other shapes: attention first and every other layer (2 heads on 1 KV head), 3 experts "
              "top-1 every third layer, conv width 3, dt rank 3, tied head"),
    dict(name="bamba_unseen", cls="BambaForCausalLM", T=21, seed=124, config=dict(
        vocab_size=60, hidden_size=36, num_hidden_layers=5, attn_layer_indices=[0, 3],
        num_attention_heads=6, num_key_value_heads=1, mamba_n_heads=6, mamba_n_groups=3, mamba_d_state=10,
        mamba_d_conv=4, mamba_chunk_size=16, mamba_expand=1, intermediate_size=40, rms_norm_eps=1e-6,
        tie_word_embeddings=True),
        notes="Bamba, other shapes: attention first and fourth (6 query heads on 1 KV head), expand 1, 3 groups, "
              "default RoPE theta, tied head"),
]


def _layers(model):
    base = getattr(model, "model", None) or getattr(model, "backbone")
    return base.layers


def structure(model):
    """layout, attention blocks (in output_attentions order), [(block, Mamba mixer, cache layer)], logits multiplier."""
    t = model.config.model_type
    layers = _layers(model)
    if t == "falcon_mamba":
        return "m" * len(layers), [], [(i, l.mixer, i) for i, l in enumerate(layers)], 1.0
    if t in ("granitemoehybrid", "bamba"):
        layout, attention, mixers = "", [], []
        for i, l in enumerate(layers):
            mamba = getattr(l, "mamba", None)
            if mamba is not None:
                layout += "M"
                mixers.append((2 * i, mamba, i))
            else:
                layout += "*"
                attention.append(2 * i)
            layout += "E" if getattr(l, "block_sparse_moe", None) is not None else "-"
        return layout, attention, mixers, 1.0 / getattr(model.config, "logits_scaling", 1.0)
    if t == "falcon_h1":
        L = len(layers)
        return ("P-" * L, [2 * i for i in range(L)], [(2 * i, l.mamba, i) for i, l in enumerate(layers)],
                model.config.lm_head_multiplier)
    if t == "jamba":
        layout, attention, mixers = "", [], []
        for i, l in enumerate(layers):
            mamba = getattr(l, "mamba", None)
            if mamba is not None:
                layout += "m"
                mixers.append((2 * i, mamba, i))
            else:
                layout += "*"
                attention.append(2 * i)
            layout += "E" if type(l.feed_forward).__name__ == "JambaSparseMoeBlock" else "-"
        return layout, attention, mixers, 1.0
    if t == "zamba2":
        layout, attention, mixers = "", [], []
        for i, l in enumerate(layers):
            if type(l).__name__ == "Zamba2HybridLayer":
                layout += "S"
                attention.append(i)
                mixers.append((i, l.mamba_decoder.mamba, i))
            else:
                layout += "M"
                mixers.append((i, l.mamba, i))
        return layout, attention, mixers, 1.0
    raise ValueError(f"no structure for model_type {t}")


@torch.no_grad()
def notes(model, input_ids):
    """What a case's notes should say beyond the common ones: for mixture-of-experts models, the
    smallest gap between a token's k-th and (k+1)-th router score over every MoE layer (a gap near
    float32 rounding could route a token differently in the engine)."""
    modules = dict(model.named_modules())
    # (router, k): granitemoehybrid's router module knows k and returns (index, weights, logits);
    # jamba's is a Linear returning the logits, with k on its MoE block
    routers = [(m, getattr(m, "top_k", None) or modules[n.rsplit(".", 1)[0]].top_k)
               for n, m in modules.items() if n.endswith(("block_sparse_moe.router", "feed_forward.router"))]
    if not routers:
        return []
    gaps = []

    def hook_for(k):
        def hook(module, args, output):
            scores = (output[2] if isinstance(output, tuple) else output).double()  # (tokens, E)
            if k < scores.shape[-1]:
                top = torch.topk(scores, k + 1, dim=-1).values
                gaps.append(float((top[:, k - 1] - top[:, k]).min()))
        return hook

    handles = [r.register_forward_hook(hook_for(k)) for r, k in routers]
    try:
        model(input_ids, use_cache=False)
    finally:
        for h in handles:
            h.remove()
    return [f"smallest gap between the k-th and (k+1)-th router score: {min(gaps):.2e}" if gaps else "every expert runs on every token"]
