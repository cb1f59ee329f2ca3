"""`make-random`: a random-weight checkpoint with the study's 8B Mamba-2-Hybrid configuration
(../shared/PAPER.md: the 56-block pattern with attention at 10, 22, 33, 45; d_model 4096; 32 heads
with 8 KV groups; Mamba-2 with state 128, head dim 64, 8 groups, conv 4, expand 2, chunk 128; no
position embedding; untied embeddings), built by transformers' own NemotronHForCausalLM directly on
the device in bf16, and saved with save_pretrained (safetensors) beside the bundled models'
word-level tokenizer, so that phonebook prompts run on it.

Not in PAPER.md, taken so that the parameter count is the study's 8B: the MLP width 16384 (4 × d_model)
and a 256,000-token vocabulary (the study's tokenizer size); about 8.7 billion parameters, 17 GB.
`--tiny` keeps the pattern and shrinks every width (the same code path, for tests on the CPU)."""
import json
import os
import shutil
import time
from importlib import resources

from .cli_args import UsageError, integer

PATTERN_8B = "M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-"

STUDY_8B = dict(
    hybrid_override_pattern=PATTERN_8B, hidden_size=4096, num_attention_heads=32, num_key_value_heads=8, head_dim=128,
    mamba_num_heads=128, mamba_head_dim=64, ssm_state_size=128, n_groups=8, conv_kernel=4, expand=2, chunk_size=128,
    intermediate_size=16384, vocab_size=256_000,
)
TINY = dict(STUDY_8B, hidden_size=64, num_attention_heads=4, num_key_value_heads=2, head_dim=16,
            mamba_num_heads=8, mamba_head_dim=16, ssm_state_size=16, n_groups=2, intermediate_size=128, vocab_size=268)
# The bundled tokenizer's ids: [PAD] 0, newline 4 ends an answer; no BOS (as the bundled models).
COMMON = dict(tie_word_embeddings=False, pad_token_id=0, bos_token_id=None, eos_token_id=4, max_position_embeddings=262_144,
              use_mamba_kernels=False, time_step_limit=(0.0, float("inf")))


def parser(sub):
    p = sub.add_parser("make-random", help="a random-weight checkpoint of the study's 8B hybrid (bf16, safetensors)",
                       description=__doc__.splitlines()[0])
    p.add_argument("out_dir", help="the folder to write (must not exist)")
    p.add_argument("--tiny", action="store_true", help="the same 56-block pattern with tiny widths (float32), for the CPU")
    p.add_argument("--device", default=None, help="where to build it: cuda (default when present) or cpu")
    p.add_argument("--seed", default="0", metavar="S", help="torch seed of the weights (default 0)")
    p.set_defaults(run=run_make_random)


def build(tiny, device, seed):
    import torch
    from transformers import NemotronHConfig, NemotronHForCausalLM
    assert len(PATTERN_8B) == 56 and PATTERN_8B.count("M") == 24 and PATTERN_8B.count("*") == 4
    dtype = torch.float32 if tiny else torch.bfloat16
    config = NemotronHConfig(**(TINY if tiny else STUDY_8B), **COMMON)
    torch.manual_seed(seed)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # parameters are made in their final dtype, on the device: no copy
    try:
        with torch.device(device):
            model = NemotronHForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    model.config.dtype = dtype
    return model.eval()


def run_make_random(args):
    import torch
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    if os.path.exists(args.out_dir):
        raise UsageError(f"{args.out_dir}: exists; make-random writes a new folder")
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    t0 = time.perf_counter()
    model = build(args.tiny, device, integer("seed", args.seed, 0))
    built = time.perf_counter()
    model.save_pretrained(args.out_dir)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        with resources.as_file(resources.files(__package__) / "data" / name) as src:
            shutil.copyfile(src, os.path.join(args.out_dir, name))
    with open(os.path.join(args.out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("# Random weights\n\nThe study's 8B Mamba-2-Hybrid configuration with random weights, made by "
                "`python -m hybridscope_capture make-random` for capture tests; it has learned nothing.\n"
                f"Configuration: {json.dumps(TINY if args.tiny else STUDY_8B)}\n")
    n = sum(p.numel() for p in model.parameters())
    size = sum(os.path.getsize(os.path.join(args.out_dir, f)) for f in os.listdir(args.out_dir))
    print(f"made {args.out_dir}: {n / 1e6:,.1f} M parameters ({model.config.dtype}), built on {device} in {built - t0:.1f} s, "
          f"saved {size / 2 ** 30:.2f} GiB in {time.perf_counter() - built:.1f} s", flush=True)
    return 0
