"""Loading a checkpoint into transformers (one device, or many through device_map) and the greedy
decoding shared by trace and sweep: engine/generate.ts `choose` (argmax, first on ties; log-probs
from float64 log-softmax; top k by log-prob, then id) and run.ts `newText`.

Tokens come through transformers' cache (Decoder), or by recomputing the whole sequence."""
import inspect
import os

import torch
from transformers import AutoConfig, AutoModelForCausalLM
from transformers.utils import is_accelerate_available
from transformers.utils import logging as hf_logging

from .families import FAMILIES
from .tokenizer import EngineTokenizer

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


class LoadError(ValueError):
    """A folder or option that cannot be run: one line."""


def default_device_map():
    return "cuda" if torch.cuda.is_available() else "cpu"


def load(folder, dtype="auto", device_map=None):
    """(model, tokenizer or None). dtype "auto": as stored on a GPU, float32 on the CPU (where
    half-precision matmuls are slow and the engine computes in float32 too)."""
    if not os.path.isfile(os.path.join(folder, "config.json")):
        raise LoadError(f"{folder}: no config.json (a Hugging Face model folder is expected)")
    config = AutoConfig.from_pretrained(folder)
    if config.model_type not in FAMILIES:
        raise LoadError(f"{folder}: model_type {config.model_type!r} is not supported (supported: {', '.join(FAMILIES)})")
    hf_logging.set_verbosity_error()  # the one line a command prints is its own
    hf_logging.disable_progress_bar()
    device_map = device_map or default_device_map()
    if dtype == "auto":
        on_cpu = device_map == "cpu" or (isinstance(device_map, dict) and set(device_map.values()) <= {"cpu"})
        torch_dtype = torch.float32 if on_cpu else "auto"
    else:
        torch_dtype = DTYPES[dtype]
    single = isinstance(device_map, str) and device_map != "auto"
    if single and (device_map == "cpu" or not is_accelerate_available()):
        # transformers wants accelerate for any device_map; one device needs none: load, then move
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch_dtype).to(device_map)
    elif not is_accelerate_available():
        raise LoadError(f"--device-map {device_map}: spreading a model over devices needs accelerate (pip install accelerate)")
    else:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch_dtype, device_map=device_map)
    model.eval()
    # float32 on a GPU stays float32: no TensorFloat-32 in cuDNN's convolutions (on by default) or matmuls
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    tok = EngineTokenizer(folder) if os.path.exists(os.path.join(folder, "tokenizer.json")) else None
    return model, tok


def input_device(model):
    return model.get_input_embeddings().weight.device


class Decoder:
    """Next-token logits as a sequence grows: through transformers' cache ("cache"), or from a
    forward over the whole sequence ("recompute": slower, and exactly the logits the engine's
    decoding reproduces; transformers' single-token Mamba-2 step skips nemotron_h's dt clamp)."""

    def __init__(self, model, mode="cache"):
        self.model = model
        # transformers' nemotron_h without attention layers fails with use_cache=True
        pure_mamba = model.config.model_type == "nemotron_h" and "full_attention" not in model.config.layers_block_type
        self.mode = "recompute" if pure_mamba else mode
        # A cached step passes its position, as generate() does: bamba's model numbers an input's
        # tokens from 0 whatever the cache holds (its attention's RoPE would then be wrong).
        self.positions = "position_ids" in inspect.signature(model.forward).parameters
        self.seq, self.key, self.cache = [], None, None

    @torch.no_grad()
    def prefill(self, ids):
        """Logits (V) after `ids`: the forward that also runs a capture's hooks."""
        self.seq = list(ids)
        out = self._forward(self.seq, use_cache=self.mode == "cache")
        if self.mode == "cache":
            self.key = "past_key_values" if getattr(out, "past_key_values", None) is not None else "cache_params"
            self.cache = getattr(out, self.key)
        return out.logits[0, -1]

    @torch.no_grad()
    def next(self, token):
        self.seq.append(token)
        if self.mode == "recompute":
            return self._forward(self.seq, use_cache=False).logits[0, -1]
        at = {"position_ids": torch.tensor([[len(self.seq) - 1]], device=input_device(self.model))} if self.positions else {}
        out = self._forward([token], use_cache=True, **{self.key: self.cache}, **at)
        self.cache = getattr(out, self.key)
        return out.logits[0, -1]

    def _forward(self, ids, **kw):
        x = torch.tensor([ids], dtype=torch.long, device=input_device(self.model))
        return self.model(input_ids=x, logits_to_keep=1, **kw)


def choose(logits, k):
    """(id, logprob, top): the argmax, its log-probability and the k best as (id, logprob)."""
    lp = logits.double()
    lp = lp - torch.logsumexp(lp, dim=0)
    best = int(torch.argmax(lp))
    order = torch.sort(lp, descending=True, stable=True).indices[:k]
    return best, float(lp[best]), [(int(i), float(lp[i])) for i in order]


def new_text(tok, ids):
    """What the last of `ids` adds to the decoded text (a short window, as run.ts newText)."""
    if tok is None:
        return f"{' ' if len(ids) > 1 else ''}{ids[-1]}"

    def decode(part):
        return tok.decode(part) if part else ""
    start = max(0, len(ids) - 8)
    before, after = decode(ids[start:-1]), decode(ids[start:])
    return after[len(before):] if after.startswith(before) else decode(ids)[len(decode(ids[:-1])):]


def greedy(decoder, logits, max_new, stop=None, top_k=0):
    """Greedy tokens after the decoder's sequence, whose next-token logits are `logits`: yields
    (id, logprob, top) until max_new or `stop(id)` is true (that token included); the next token's
    logits are computed only when the consumer asks for it."""
    for n in range(max_new):
        choice = choose(logits, max(1, top_k))
        yield choice
        if (stop is not None and stop(choice[0])) or n + 1 == max_new:
            return
        logits = decoder.next(choice[0])
