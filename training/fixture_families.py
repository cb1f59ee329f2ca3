"""Reference fixtures of the model families beyond the bundled four (make_fixtures.py makes them).

Each family is read by its own adapter in engine/models/; here, for each family, its cases (two per
family: the one the adapter was written against, and an `_unseen` one made afterwards with other seeds
and shapes) and `structure(model)`: how transformers' modules map onto the engine's blocks, in the
layout notation of engine/layout.ts:

  m Mamba-1   M Mamba-2   * attention   - MLP   E mixture-of-experts MLP
  P parallel layer (Falcon-H1: attention and Mamba-2 side by side on one normed input)
  S shared-transformer layer (Zamba2: a transformer block whose weights are shared between depths,
    with per-depth LoRA adapters and its own output linear, feeding the layer's Mamba-2)

A transformers decoder layer with a mixer and an MLP (granitemoehybrid, bamba, falcon_h1) is two
blocks, 2i and 2i + 1; a falcon_mamba or zamba2 layer is one block.
"""

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
    raise ValueError(f"no structure for model_type {t}")
