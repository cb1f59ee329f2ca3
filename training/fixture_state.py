"""Final SSM states for the fixtures, taken from transformers' own scan calls.

transformers 5.17's Mamba mixers call module-level scan functions (mamba2_chunk_scan /
selective_scan_fn style, kernel-hub wrappers with a PyTorch reference fallback). During the
reference forward, every such function of the modeling module that can return its final state
(`return_final_states` / `return_last_state`) is wrapped: the wrapper asks for the final state,
keeps it under the block whose mixer is running (a forward pre-hook marks it), and returns to the
mixer exactly what it asked for. Outputs are unchanged (checked: logits equal an unwrapped forward).
Where a use_cache=True forward works, its cache's states are compared with these (notes in case.json).
"""

import importlib
import inspect

import torch

MAMBA_MIXERS = ("NemotronHMamba2Mixer", "Mamba2Mixer", "MambaMixer")
STATE_FLAGS = ("return_final_states", "return_last_state")


def mixer_blocks(model):
    base = getattr(model, "model", None) or getattr(model, "backbone")
    out = []
    for i, layer in enumerate(base.layers):
        mixer = getattr(layer, "mixer", None)
        if mixer is not None and type(mixer).__name__ in MAMBA_MIXERS:
            out.append((i, mixer))
    return out


class ScanRecorder:
    """Context manager: wraps the scan functions of the model's modeling module, records final states."""

    def __init__(self, model, mixers=None):
        """mixers: [(engine block, Mamba mixer module, cache layer)]; default: mixer_blocks(model)."""
        self.model = model
        self.mixers = [(b, m) for b, m, _ in mixers] if mixers is not None else mixer_blocks(model)
        self.module = importlib.import_module(type(model).__module__)
        self.states, self.current, self.patched, self.handles = {}, None, [], []

    def __enter__(self):
        for name, fn in list(vars(self.module).items()):
            if not callable(fn) or "scan" not in name.lower() or "update" in name.lower():
                continue
            try:
                params = inspect.signature(fn).parameters
            except (TypeError, ValueError):
                continue
            flag = next((f for f in STATE_FLAGS if f in params), None)
            if flag is None:
                continue
            setattr(self.module, name, self._wrap(fn, flag))
            self.patched.append((name, fn))
        for i, mixer in self.mixers:
            self.handles.append(mixer.register_forward_pre_hook(self._mark(i)))
        return self

    def __exit__(self, *exc):
        for name, fn in self.patched:
            setattr(self.module, name, fn)
        for h in self.handles:
            h.remove()

    def _mark(self, i):
        def hook(module, args):
            self.current = i
        return hook

    def _wrap(self, fn, flag):
        def wrapper(*args, **kwargs):
            wanted = kwargs.get(flag, False)
            kwargs[flag] = True
            out, final = fn(*args, **kwargs)
            self.states[self.current] = final.detach().clone()
            return (out, final) if wanted else out
        return wrapper


def cache_state(cache, i, shape):
    """Find layer i's SSM state in whatever cache object this transformers version returns."""
    holders = []
    layers = getattr(cache, "layers", None)
    if layers is not None:
        holders.append((layers[i], False))
    holders.append((cache, True))
    seen = []
    for obj, indexed in holders:
        for k, v in vars(obj).items():
            seen.append(k)
            t = v[i] if indexed and isinstance(v, (list, tuple)) and len(v) > i else v
            # transformers 5.17's LinearAttentionLayer keeps its states in dicts ({0: tensor})
            for u in (t.values() if isinstance(t, dict) else [t]):
                if torch.is_tensor(u) and tuple(u.shape[1:]) == tuple(shape) and "conv" not in k:
                    return u
    raise RuntimeError(f"no {tuple(shape)} state for layer {i} in {type(cache).__name__} ({seen})")


@torch.no_grad()
def compare_with_cache(model, input_ids, states, cache_layer=None):
    """cache_layer: engine block → the cache's layer index (default: the same number)."""
    out = model(input_ids, use_cache=True)
    cache = getattr(out, "cache_params", None) or getattr(out, "past_key_values", None)
    worst = 0.0
    for b, s in states.items():
        i = cache_layer[b] if cache_layer else b
        worst = max(worst, float((cache_state(cache, i, s.shape).double()[0] - s).abs().max()))
    return worst
