"""The four bundled architectures: same width (d_model 256), 8 sequence-mixing layers or blocks, 3.39-3.64M parameters.

Block budget in our layout letters (m Mamba-1, M Mamba-2, * attention, - MLP):
  mamba        mmmmmmmm            MambaForCausalLM, d_inner 512, state 16
  mamba2       MMMMMMMM            Mamba2ForCausalLM, 8 heads x 64, state 32 (bundled: 16), n_groups 1
  hybrid       M-M*M-M-            NemotronHForCausalLM, the same Mamba-2 layers, 1 attention of 8 blocks,
                                   GQA 4/KV_HEADS, no RoPE
  transformer  *-*-*-*-            LlamaForCausalLM (4 layers, SwiGLU 896), GQA 4/KV_HEADS, RoPE
               (bundled: --layers 8 --mlp 320, *-*-*-*-*-*-*-*-: 8 attention layers, as many as the
               pure SSMs' mixers, each with a narrow SwiGLU, so every config has 8 layers; the 4-layer
               one found entries by their last name only, RUNS.md seventh session)
The pure SSMs have no MLPs, like the published Mamba and Mamba-2 stacks (and Zoology's recall runs).
The Mamba-2 state is the knob of the study's finding in miniature: a fixed state of a few dozen key
dimensions a head cannot keep a book that grows past a few dozen entries; attention can (RUNS.md). The
bundled mamba2 and hybrid are trained with `--state 16` (every SSM layer then holds 8,192 numbers, as
Mamba-1's does); at 32, Mamba-2 fell only 23-26 points below the hybrid at 32 entries (RUNS.md).

Ablation variants (ABLATIONS.md, ablations.json) change one thing each: the hybrid's 8-block pattern
(`pattern`: which blocks attend, and where) or the pure Mamba-2's state size (`state`; at 128 its head shares
the embedding's weights, `tie`, or its B and C projections would put it 10.2 % above the hybrid's parameters:
transformers' Mamba2Config takes an integer expand, so d_inner cannot narrow instead).
"""

import math

import torch
import transformers

D_MODEL = 256
HYBRID_PATTERN = "M-M*M-M-"
MAMBA2_STATE = 32
HEADS = 4
KV_HEADS = 1
MAMBA_HEADS = 8
MAMBA_HEAD_DIM = 64
BLOCK_CHARS = "M*-"  # the hybrid's pattern letters: Mamba-2, attention, MLP


def hybrid_pattern(pattern):
    """The hybrid's block pattern, checked: letters of BLOCK_CHARS, at least one Mamba-2 block."""
    if not pattern or set(pattern) - set(BLOCK_CHARS) or "M" not in pattern:
        raise ValueError(f"hybrid pattern {pattern!r}: use M (Mamba-2), * (attention) and - (MLP), with at least one M")
    return pattern


def config_for(model_id, vocab_size, overrides=None, eos=None):
    o = dict(overrides or {})
    heads = o.get("heads", HEADS)  # head_dim = D_MODEL / heads: 8 heads with 2 KV heads cost what 4 with 1 do
    common = dict(vocab_size=vocab_size, hidden_size=D_MODEL, tie_word_embeddings=bool(o.get("tie", 0)),
                  pad_token_id=0, bos_token_id=None, eos_token_id=eos)
    if "init_std" in o:  # the std of every normal init (transformers' default 0.02 suits d_model ~4096)
        common["initializer_range"] = o["init_std"]
    if model_id == "mamba":
        cfg = transformers.MambaConfig(**common, num_hidden_layers=8, expand=2, state_size=o.get("state", 16),
                                       conv_kernel=4, time_step_rank=16, layer_norm_epsilon=1e-5,
                                       use_cache=True)
    elif model_id == "mamba2":
        cfg = transformers.Mamba2Config(**common, num_hidden_layers=8, expand=2, num_heads=MAMBA_HEADS, head_dim=MAMBA_HEAD_DIM,
                                        n_groups=1, state_size=o.get("state", MAMBA2_STATE), conv_kernel=4,
                                        chunk_size=128, layer_norm_epsilon=1e-5)
    elif model_id == "hybrid":
        pattern = hybrid_pattern(o.get("pattern", HYBRID_PATTERN))
        cfg = transformers.NemotronHConfig(**common, hybrid_override_pattern=pattern,
                                           num_hidden_layers=len(pattern), mamba_num_heads=MAMBA_HEADS,
                                           mamba_head_dim=64, n_groups=1, ssm_state_size=o.get("state", MAMBA2_STATE),
                                           conv_kernel=4, chunk_size=128, num_attention_heads=heads,
                                           num_key_value_heads=o.get("kv", KV_HEADS), head_dim=D_MODEL // heads,
                                           intermediate_size=1024,
                                           layer_norm_epsilon=1e-5, use_mamba_kernels=False,
                                           max_position_embeddings=8192)
    elif model_id == "transformer":
        cfg = transformers.LlamaConfig(**common, num_hidden_layers=o.get("layers", 4), num_attention_heads=heads,
                                       num_key_value_heads=o.get("kv", KV_HEADS), head_dim=D_MODEL // heads,
                                       intermediate_size=o.get("mlp", 896),  # 4 layers of 896: 3.55 M; 6 of 512: 3.48 M; 8 of 320: 3.42 M
                                       max_position_embeddings=8192, rms_norm_eps=1e-5,
                                       rope_parameters={"rope_type": "default", "rope_theta": o.get("rope_theta", 10000.0)})
    else:
        raise ValueError(model_id)
    return cfg


CLASSES = {"mamba": "MambaForCausalLM", "mamba2": "Mamba2ForCausalLM",
           "hybrid": "NemotronHForCausalLM", "transformer": "LlamaForCausalLM"}


def layout_of(config):
    """A model's blocks in our layout letters, from its config (engine/layout.ts's notation): Llama layer i is blocks 2i (*)
    and 2i + 1 (-)."""
    if config.model_type == "nemotron_h":
        return config.hybrid_override_pattern
    letter = {"mamba": "m", "mamba2": "M", "llama": "*-"}[config.model_type]
    return letter * config.num_hidden_layers


def overrides_from(settings):
    """config_for's overrides from train.py's settings (argparse names; 0 / None: the default)."""
    names = (("state", "state"), ("heads", "heads"), ("kv_heads", "kv"), ("init_std", "init_std"),
             ("rope_theta", "rope_theta"), ("layers", "layers"), ("mlp", "mlp"), ("pattern", "pattern"),
             ("tie_embeddings", "tie"))
    return {o: settings[k] for k, o in names if settings.get(k)}


def build(model_id, vocab_size, overrides=None, attn="sdpa", eos=None):
    cfg = config_for(model_id, vocab_size, overrides, eos)
    cls = getattr(transformers, CLASSES[model_id])
    kw = {"attn_implementation": attn} if model_id in ("hybrid", "transformer") else {}
    return cls._from_config(cfg, **kw)


def load_weights(model, folder):
    """The state dict of the model saved in `folder`, named as `model` names its tensors.

    Read through from_pretrained, which maps the names save_pretrained wrote (NemotronH saves
    `backbone.*`, its module is `model.*`); reading model.safetensors directly misses that.
    """
    saved, info = type(model).from_pretrained(folder, dtype=torch.float32, output_loading_info=True)
    wrong = {k: v for k, v in info.items() if k in ("missing_keys", "unexpected_keys", "mismatched_keys") and v}
    if wrong:  # from_pretrained fills missing weights with fresh ones and only warns
        raise ValueError(f"{folder}: the saved weights do not fit this model: {wrong}")
    return saved.state_dict()


@torch.no_grad()
def mimetic_init(model, a_range=(0.002, 1.0), dt=0.05, noise=0.02):
    """Trockman et al. (arXiv 2410.11135): decay near 1 and C ~ B, so a fresh layer can copy.

    Mamba-2: A log-spaced over heads in a_range (decay per token exp(-dt A) from 0.9999 to 0.95),
    dt_bias = softplus^-1(dt), C rows of in_proj = B rows (+ noise), conv kernels of C = those of B.
    Mamba-1: A log-spaced over the state index, dt_proj.bias = softplus^-1(dt), C rows of x_proj = B rows.
    a_range=None keeps transformers' A init (A = 1..H, or 1..N for Mamba-1).
    """

    def spread(k):
        lo, hi = math.log(a_range[0]), math.log(a_range[1])
        return torch.linspace(lo, hi, k)

    inv = dt + math.log(-math.expm1(-dt))
    for m in model.modules():
        name = type(m).__name__
        if name in ("NemotronHMamba2Mixer", "Mamba2Mixer"):
            gn = m.n_groups * m.ssm_state_size
            b0 = m.intermediate_size + m.intermediate_size  # in_proj rows: gate | x | B | C | dt
            W = m.in_proj.weight
            W[b0 + gn: b0 + 2 * gn] = W[b0: b0 + gn] + noise * torch.randn_like(W[b0: b0 + gn])
            cw = m.conv1d.weight  # the conv mixes B and C per channel: keep their kernels equal too
            off = m.intermediate_size
            cw[off + gn: off + 2 * gn] = cw[off: off + gn]
            if a_range is not None:
                m.A_log.copy_(spread(m.A_log.numel()))
            m.dt_bias.fill_(inv)
        elif name == "MambaMixer":
            R, N = m.time_step_rank, m.ssm_state_size
            W = m.x_proj.weight
            W[R + N: R + 2 * N] = W[R: R + N] + noise * torch.randn_like(W[R: R + N])
            if a_range is not None:
                m.A_log.copy_(spread(N)[None, :].expand_as(m.A_log))
            m.dt_proj.bias.fill_(inv)


def param_groups(model, weight_decay):
    """No weight decay on A_log, dt_bias, D, norms, biases and embeddings (as mamba_ssm does)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim < 2 or name.endswith("A_log") or "embed" in name:
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def count_params(model):
    return sum(p.numel() for p in model.parameters())
