"""Reference fixtures for the engine: tiny random-weight checkpoints and float64 transformers outputs.

Each case folder (engine/test/fixtures/<case>/) holds what engine/test/parity.test.ts reads:
config.json + model.safetensors (save_pretrained), input_ids.json, reference.safetensors (F64:
logits, hidden_states.{i}, attentions.{block}, ssm_states.{block}), generated.json, case.json.

The reference is computed from the SAVED checkpoint, reloaded with from_pretrained and cast with
model.double() (a BF16 checkpoint is upcast from its stored bf16 values), on the CPU, with eager
attention and transformers' torch (no-kernel) paths. Weights are randomised away from their init
(A_log, dt_bias, D, norms, biases) so a wrong term cannot hide behind an init value of 1 or 0.

Run (needs torch + transformers; CPU is enough):
    python3 training/make_fixtures.py --out engine/test/fixtures
"""

import argparse
import json
import math
import os
import shutil
import traceback

import torch
import transformers
from safetensors.torch import save_file

import fixture_families
import fixture_state
import models

# One case = a config for one class, a prompt length T and the greedy continuation to record.
# chunk_size 16 everywhere, so T crosses chunk borders and is never a multiple of 16.
CASES = [
    dict(name="nemotron_h_hybrid", cls="NemotronHForCausalLM", T=37, seed=1, config=dict(
        vocab_size=96, hidden_size=48, hybrid_override_pattern="M-M*-M", num_hidden_layers=6,
        mamba_num_heads=8, mamba_head_dim=8, n_groups=2, ssm_state_size=16, conv_kernel=4,
        chunk_size=16, num_attention_heads=4, num_key_value_heads=2, head_dim=12,
        intermediate_size=96, layer_norm_epsilon=1e-5, tie_word_embeddings=False,
        use_mamba_kernels=False),
        notes="Mamba-2 first, grouped gated norm with n_groups=2, GQA attention without RoPE, relu2 MLP"),
    dict(name="nemotron_h_attention", cls="NemotronHForCausalLM", T=21, seed=2, config=dict(
        vocab_size=64, hidden_size=32, hybrid_override_pattern="*-*-", num_hidden_layers=4,
        mamba_num_heads=4, mamba_head_dim=16, n_groups=1, ssm_state_size=8,
        num_attention_heads=4, num_key_value_heads=1, head_dim=8, intermediate_size=64,
        tie_word_embeddings=False, use_mamba_kernels=False),
        notes="pure attention + MLP nemotron_h, 4 query heads sharing 1 KV head"),
    dict(name="nemotron_h_mamba", cls="NemotronHForCausalLM", T=45, seed=3, use_cache=False, config=dict(
        vocab_size=64, hidden_size=32, hybrid_override_pattern="M-M-", num_hidden_layers=4,
        mamba_num_heads=8, mamba_head_dim=8, n_groups=4, ssm_state_size=8, conv_kernel=4,
        chunk_size=16, num_attention_heads=4, num_key_value_heads=4, head_dim=8,
        intermediate_size=64, tie_word_embeddings=False, use_mamba_kernels=False),
        notes="pure Mamba-2 + MLP nemotron_h, n_groups=4; transformers fails with use_cache=True here, "
              "so the greedy continuation is a no-cache greedy loop"),
    dict(name="nemotron_h_bf16", cls="NemotronHForCausalLM", T=29, seed=4, dtype="bfloat16", config=dict(
        vocab_size=64, hidden_size=32, hybrid_override_pattern="M*-M-", num_hidden_layers=5,
        mamba_num_heads=4, mamba_head_dim=16, n_groups=2, ssm_state_size=8, conv_kernel=4,
        chunk_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
        intermediate_size=64, tie_word_embeddings=False, use_mamba_kernels=False),
        notes="stored as BF16; reference from the bf16 weights upcast to float64"),
    dict(name="mamba2_f16", cls="Mamba2ForCausalLM", T=35, seed=9, dtype="float16", config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=2, expand=2, num_heads=4, head_dim=16,
        n_groups=1, state_size=16, conv_kernel=4, chunk_size=16, tie_word_embeddings=True,
        layer_norm_epsilon=1e-5),
        notes="stored as F16 (IEEE half), tied head; reference from the f16 weights upcast to float64"),
    dict(name="mamba_bf16", cls="MambaForCausalLM", T=31, seed=10, dtype="bfloat16", config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=2, expand=2, state_size=8,
        conv_kernel=4, time_step_rank=4, tie_word_embeddings=True, layer_norm_epsilon=1e-5),
        notes="Mamba-1 stored as BF16, tied head; reference from the bf16 weights upcast to float64"),
    dict(name="mamba2", cls="Mamba2ForCausalLM", T=40, seed=5, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=3, expand=2, num_heads=4, head_dim=16,
        n_groups=2, state_size=16, conv_kernel=4, chunk_size=16, tie_word_embeddings=False,
        layer_norm_epsilon=1e-5),
        notes="Mamba2ForCausalLM, n_groups=2; its gated norm is over the full width, gate before norm"),
    dict(name="mamba", cls="MambaForCausalLM", T=27, seed=6, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=3, expand=2, state_size=8,
        conv_kernel=4, time_step_rank=4, tie_word_embeddings=False, layer_norm_epsilon=1e-5),
        notes="Mamba-1, untied head"),
    dict(name="llama", cls="LlamaForCausalLM", T=33, seed=7, config=dict(
        vocab_size=80, hidden_size=48, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, head_dim=12, intermediate_size=80, rope_parameters={"rope_type": "default", "rope_theta": 500.0},
        max_position_embeddings=256, rms_norm_eps=1e-5, tie_word_embeddings=False),
        notes="Llama, GQA 4/2, RoPE theta 500, SwiGLU, untied head"),
    dict(name="llama_tied", cls="LlamaForCausalLM", T=19, seed=8, config=dict(
        vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, head_dim=16, intermediate_size=64, rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        max_position_embeddings=128, rms_norm_eps=1e-6, tie_word_embeddings=True),
        notes="Llama with tied embeddings: model.safetensors has no lm_head.weight"),
]

CASES += fixture_families.CASES

GEN_PROMPT = 12  # prompt tokens of the greedy continuation
GEN_NEW = 8      # new tokens


def inv_softplus(y):
    return y + torch.log(-torch.expm1(-y))


@torch.no_grad()
def randomise(model, g):
    """Move every parameter away from its init, at scales that keep activations O(1)."""
    for name, p in model.named_parameters():
        shape = p.shape
        if name.endswith("A_log"):
            p.copy_(torch.log(torch.empty(shape).uniform_(0.5, 8.0, generator=g)))
        elif name.endswith("dt_bias") or name.endswith("dt_proj.bias"):
            dt = torch.exp(torch.empty(shape).uniform_(math.log(0.003), math.log(0.5), generator=g))
            v = inv_softplus(dt)
            if name.endswith("dt_bias"):
                v[0] = -9.0  # softplus(-9) ~ 1.2e-4: exercises nemotron_h's clamp at time_step_min
            p.copy_(v)
        elif name.endswith(".D"):
            p.copy_(1.0 + 0.5 * torch.randn(shape, generator=g))
        elif p.ndim == 1 and "norm" in name:
            p.copy_(1.0 + 0.1 * torch.randn(shape, generator=g))
        elif p.ndim == 1:  # conv and projection biases
            p.copy_(0.1 * torch.randn(shape, generator=g))
        elif p.ndim == 3 and "conv1d" not in name:  # experts stored as (E, out, in)
            p.copy_(torch.randn(shape, generator=g) / math.sqrt(shape[-1]))
        elif "conv1d" in name:
            p.copy_(torch.randn(shape, generator=g) / math.sqrt(shape[-1]))
        elif "embed" in name:
            p.copy_(torch.randn(shape, generator=g))
        elif name.startswith("lm_head"):
            p.copy_(2.0 * torch.randn(shape, generator=g) / math.sqrt(shape[1]))
        elif "adapter_list" in name:  # zamba2's per-depth LoRA adapters: deltas on the shared weights, a third of unit gain
            p.copy_(0.3 * torch.randn(shape, generator=g) / math.sqrt(shape[1]))
        elif "x_proj" in name:
            p.copy_(0.3 * torch.randn(shape, generator=g) / math.sqrt(shape[1]))
        else:  # Linear weights: unit gain
            p.copy_(torch.randn(shape, generator=g) / math.sqrt(shape[1]))


def structure(model):
    """layout, attention blocks (output_attentions order), [(block, Mamba mixer, cache layer)], logits multiplier."""
    if model.config.model_type in ("nemotron_h", "mamba", "mamba2", "llama"):
        layout = models.layout_of(model.config)
        mixers = [(b, m, b) for b, m in fixture_state.mixer_blocks(model)]
        return layout, [i for i, c in enumerate(layout) if c == "*"], mixers, 1.0
    return fixture_families.structure(model)


class LogitsHook:
    """transformers casts logits with .float(); the lm_head output itself is still float64."""

    def __init__(self, model):
        self.out = None
        self.handle = model.lm_head.register_forward_hook(self.hook)

    def hook(self, module, args, output):
        self.out = output.detach().clone()


@torch.no_grad()
def greedy_no_cache(model, prompt, n_new):
    ids = list(prompt)
    margins = []
    for _ in range(n_new):
        logits = model(torch.tensor([ids]), use_cache=False).logits[0, -1].double()
        top = torch.topk(logits, 2)
        margins.append(float(top.values[0] - top.values[1]))
        ids.append(int(top.indices[0]))
    return ids, min(margins)


def make_case(case, out_root, log):
    name = case["name"]
    folder = os.path.join(out_root, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    cls = getattr(transformers, case["cls"])
    config_cls = getattr(transformers, case["cls"].replace("ForCausalLM", "Config"))
    g = torch.Generator().manual_seed(case["seed"])
    torch.manual_seed(case["seed"])

    kwargs = dict(case["config"])
    config = config_cls(**kwargs)
    model = cls(config).float()
    randomise(model, g)
    dtype = case.get("dtype", "float32")
    if dtype in ("bfloat16", "float16"):
        model = model.to(getattr(torch, dtype))
    model.save_pretrained(folder)
    saved = {k: v.detach().clone() for k, v in model.state_dict().items()}

    eager = ("NemotronHForCausalLM", "LlamaForCausalLM", "GraniteMoeHybridForCausalLM", "BambaForCausalLM",
             "FalconH1ForCausalLM", "Zamba2ForCausalLM", "JambaForCausalLM")
    kw = {"attn_implementation": "eager"} if case["cls"] in eager else {}
    if case["config"].get("num_local_experts") or case["config"].get("num_experts"):
        kw["experts_implementation"] = "eager"  # the per-expert loop; grouped_mm has no float64
    ref_model = cls.from_pretrained(folder, **kw)
    for k, v in ref_model.state_dict().items():  # the round trip must be exact before anything else
        if k in saved and not torch.equal(saved[k], v.to(saved[k].dtype)):
            raise RuntimeError(f"{name}: {k} changed in save/load")
    ref_model = ref_model.double().eval()
    layout, att_blocks, mixers, logit_scale = structure(ref_model)
    V = ref_model.config.vocab_size
    T = case["T"]
    ids = torch.randint(0, V, (T,), generator=g)
    input_ids = ids[None]

    # 1. full forward (no cache): logits, hidden states, attentions, and the scans' final states
    hook = LogitsHook(ref_model)
    fkw = {"output_hidden_states": True}
    if att_blocks:
        fkw["output_attentions"] = True
    with torch.no_grad():
        ref_model(input_ids, use_cache=False)
        plain = hook.out
        with fixture_state.ScanRecorder(ref_model, mixers) as rec:
            out = ref_model(input_ids, use_cache=False, **fkw)
    if not torch.equal(plain, hook.out):
        raise RuntimeError(f"{name}: recording changed the logits")
    logits = hook.out[0] * logit_scale  # the family's logits multiplier (or 1 / logits_scaling), as its forward applies it
    tensors = {"logits": logits}
    for i, h in enumerate(out.hidden_states):
        tensors[f"hidden_states.{i}"] = h[0]
    atts = out.attentions if att_blocks else ()
    if len(atts) != len(att_blocks):
        raise RuntimeError(f"{name}: {len(atts)} attention maps for {len(att_blocks)} attention blocks")
    for b, a in zip(att_blocks, atts):
        tensors[f"attentions.{b}"] = a[0]
    notes = [case["notes"]]
    if model.config.model_type not in ("nemotron_h", "mamba", "mamba2", "llama"):
        notes += fixture_families.notes(ref_model, input_ids)

    # 2. final SSM states (see fixture_state.py for how)
    blocks = [b for b, _, _ in mixers]
    if blocks:
        missing = [b for b in blocks if b not in rec.states]
        if missing:
            raise RuntimeError(f"{name}: no scan state recorded for blocks {missing} ({rec.patched})")
        states = {b: rec.states[b][0].double() for b in blocks}
        how = (f"final states returned by transformers' scan function(s) {[n for n, _ in rec.patched]} "
               "during the reference forward (asked for with return_final_states / return_last_state)")
        if case.get("use_cache", True):
            try:
                diff = fixture_state.compare_with_cache(ref_model, input_ids, states, {b: c for b, _, c in mixers})
                how += f"; the cache of a use_cache=True forward holds the same states (max diff {diff:.1e})"
            except Exception as e:
                how += f"; cache comparison not possible ({type(e).__name__})"
                log(f"  {name}: cache comparison: {e}")
        for b, s in states.items():
            tensors[f"ssm_states.{b}"] = s
        notes.append("ssm_states: " + how)

    # 3. greedy continuation: a no-cache loop is the reference; model.generate must agree
    prompt = ids[:GEN_PROMPT].tolist()
    gen_ids, margin = greedy_no_cache(ref_model, prompt, GEN_NEW)
    if case.get("use_cache", True):
        try:
            with torch.no_grad():
                g_out = ref_model.generate(torch.tensor([prompt]), max_new_tokens=GEN_NEW, do_sample=False,
                                           min_new_tokens=GEN_NEW, eos_token_id=None, pad_token_id=0)
            agree = g_out[0].tolist() == gen_ids
            notes.append(f"model.generate (with cache) {'agrees' if agree else 'DISAGREES'} with the no-cache loop")
            if not agree:
                log(f"  {name}: generate {g_out[0].tolist()} vs loop {gen_ids}")
        except Exception as e:  # recorded, not fatal: the loop is the reference
            notes.append(f"model.generate failed: {type(e).__name__}: {str(e)[:120]}")
    notes.append(f"smallest top-1 vs top-2 logit margin along the continuation: {margin:.4f}")

    tensors = {k: v.detach().to(torch.float64).contiguous().clone() for k, v in tensors.items()}
    save_file(tensors, os.path.join(folder, "reference.safetensors"))
    with open(os.path.join(folder, "input_ids.json"), "w") as f:
        json.dump(ids.tolist(), f)
    with open(os.path.join(folder, "generated.json"), "w") as f:
        json.dump({"prompt": prompt, "ids": gen_ids, "max_new_tokens": GEN_NEW}, f)
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump({"class": case["cls"], "dtype": dtype, "layout": layout, "T": T,
                   "hidden_states": len(out.hidden_states), "transformers": transformers.__version__,
                   "torch": torch.__version__, "notes": "; ".join(notes)}, f, indent=1)
    log(f"{name}: ok, layout {layout}, {len(tensors)} tensors, margin {margin:.4f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="engine/test/fixtures")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    torch.set_num_threads(4)
    os.makedirs(args.out, exist_ok=True)
    failed = []

    def log(msg):
        print(msg, flush=True)

    for case in CASES:
        if args.only and case["name"] not in args.only.split(","):
            continue
        try:
            make_case(case, args.out, log)
        except Exception:
            failed.append(case["name"])
            log(f"{case['name']}: FAILED\n{traceback.format_exc()}")
    log(f"failed: {failed}")


if __name__ == "__main__":
    main()
