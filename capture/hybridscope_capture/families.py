"""Model families by config.json `model_type`, as engine/models/registry.ts registers them: each
turns a transformers model into the engine's list of blocks (engine/models/<type>.ts), naming for
each block the mixers its record probes (whose normed inputs the probes read), the modules whose
outputs the block adds to the stream, and where the residual stream after the block can be read.
A new family is one function and one line in FAMILIES; its mixers' probe inputs come from mixers.py.

A transformers decoder layer with a mixer and an MLP is two blocks, 2i and 2i + 1 (the stream
between them is the input of the MLP's norm); a layer of one mixer is one block (layout notation:
engine/layout.ts, training/fixture_families.py)."""
from dataclasses import dataclass
from typing import Callable

from torch import nn

from . import mixers

KIND_CHAR = {"mamba1": "m", "mamba2": "M", "attention": "*", "mlp": "-", "moe": "E", "parallel": "P", "shared": "S"}


@dataclass
class Part:
    """A mixer whose probes the block's record holds: `inputs(module, u[, kwargs])` (mixers.py)
    recomputes what they read from the module's own input u; `name` is what its captures go by."""
    kind: str  # attention | mamba2 | mamba1 | moe
    module: nn.Module
    name: str
    inputs: Callable


@dataclass
class Block:
    index: int
    kind: str  # mamba2 | mamba1 | attention | mlp | moe | parallel | shared
    name: str  # the engine's block name, after the weights (layers.3.mixer)
    parts: list  # Parts, in the order the engine charges their captures to the budget
    adds: list  # (module, multiplier): the block adds Σ multiplier · the module's output
    after: nn.Module  # the stream after this block is this module's output, or its input when after_input
    after_input: bool = False


class FamilyError(ValueError):
    """A checkpoint the capture package cannot run: one line."""


def attention_part(module, name, inputs=mixers.attention_qk):
    return Part("attention", module, name, inputs)


def mamba2_part(module, name, inputs=mixers.mamba2_inputs):
    return Part("mamba2", module, name, inputs)


def mamba1_part(module, name):
    return Part("mamba1", module, name, mixers.mamba1_inputs)


def one_mixer(index, kind, name, module, after, after_input=False, scale=1.0):
    """A block of one mixer (or MLP) that adds its output, times `scale`."""
    parts = {"attention": [attention_part(module, name)], "mamba2": [mamba2_part(module, name)],
             "mamba1": [mamba1_part(module, name)], "mlp": []}[kind]
    return Block(index, kind, name, parts, [(module, scale)], after, after_input)


def nemotron_h(model):
    kinds = {"linear_attention": "mamba2", "full_attention": "attention", "mlp": "mlp"}
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        if layer.block_type not in kinds:
            raise FamilyError(f"layer {i} is a {layer.block_type} block, which the engine does not run (it runs Mamba-2, attention and MLP blocks)")
        blocks.append(one_mixer(i, kinds[layer.block_type], f"layers.{i}.mixer", layer.mixer, layer))
    return blocks


def mamba2(model):
    return [one_mixer(i, "mamba2", f"layers.{i}.mixer", layer.mixer, layer) for i, layer in enumerate(model.base_model.layers)]


def mamba(model):
    """mamba and falcon_mamba (whose mixer RMS-normalises dt, B and C: mixers.mamba1_inputs)."""
    return [one_mixer(i, "mamba1", f"layers.{i}.mixer", layer.mixer, layer) for i, layer in enumerate(model.base_model.layers)]


def llama(model):
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        blocks.append(one_mixer(2 * i, "attention", f"layers.{i}.self_attn", layer.self_attn, layer.post_attention_layernorm, after_input=True))
        blocks.append(one_mixer(2 * i + 1, "mlp", f"layers.{i}.mlp", layer.mlp, layer))
    return blocks


def granitemoehybrid(model):
    """granitemoehybrid and bamba: 2i Mamba-2 (`mamba`) or attention (`self_attn`), 2i + 1 the MLP —
    routed experts + shared_mlp (E), shared_mlp alone, or bamba's feed_forward — both added times
    residual_multiplier (bamba: 1)."""
    s = getattr(model.config, "residual_multiplier", 1.0)
    bamba = model.config.model_type == "bamba"
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        mid = layer.pre_ff_layernorm if bamba else layer.post_attention_layernorm
        if getattr(layer, "mamba", None) is not None:
            blocks.append(one_mixer(2 * i, "mamba2", f"layers.{i}.mamba", layer.mamba, mid, True, s))
        else:
            blocks.append(one_mixer(2 * i, "attention", f"layers.{i}.self_attn", layer.self_attn, mid, True, s))
        moe = getattr(layer, "block_sparse_moe", None)
        if bamba:
            blocks.append(one_mixer(2 * i + 1, "mlp", f"layers.{i}.feed_forward", layer.feed_forward, layer))
        elif moe is not None:
            name = f"layers.{i}.block_sparse_moe"
            blocks.append(Block(2 * i + 1, "moe", name, [Part("moe", moe, name, mixers.granite_routing)],
                                [(moe, s), (layer.shared_mlp, s)], layer))
        else:
            blocks.append(one_mixer(2 * i + 1, "mlp", f"layers.{i}.shared_mlp", layer.shared_mlp, layer, scale=s))
    return blocks


def falcon_h1(model):
    """2i the parallel layer (P): attention on attention_in_multiplier · u and Mamba-2 on u, added
    times attention_out_multiplier and ssm_out_multiplier (the engine charges attention first);
    2i + 1 the MLP, whose down_multiplier is inside feed_forward."""
    c = model.config
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        parts = [attention_part(layer.self_attn, f"layers.{i}.self_attn", mixers.falcon_h1_attention_qk),
                 mamba2_part(layer.mamba, f"layers.{i}.mamba", mixers.falcon_h1_mamba2_inputs)]
        blocks.append(Block(2 * i, "parallel", f"layers.{i}", parts,
                            [(layer.mamba, c.ssm_out_multiplier), (layer.self_attn, c.attention_out_multiplier)], layer.pre_ff_layernorm, True))
        blocks.append(one_mixer(2 * i + 1, "mlp", f"layers.{i}.feed_forward", layer.feed_forward, layer))
    return blocks


def zamba2(model):
    """A Mamba-2 layer (M), or a hybrid layer (S): the shared transformer's attention reads
    norm([x, x0]) with this depth's adapters, and the stream gets only the layer's Mamba-2 output."""
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        if type(layer).__name__ != "Zamba2HybridLayer":
            blocks.append(one_mixer(i, "mamba2", f"layers.{i}.mamba", layer.mamba, layer))
            continue
        m = layer.mamba_decoder.mamba
        parts = [attention_part(layer.shared_transformer.self_attn, f"layers.{i}.shared_transformer.self_attn", mixers.zamba2_attention_qk),
                 mamba2_part(m, f"layers.{i}.mamba_decoder.mamba")]
        blocks.append(Block(i, "shared", f"layers.{i}", parts, [(m, 1.0)], layer))
    return blocks


def jamba(model):
    """2i Mamba-1 (`mamba`, weighted dt/B/C norms) or attention, 2i + 1 a dense SwiGLU or experts (E)."""
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        m = getattr(layer, "mamba", None)
        if m is not None:
            blocks.append(one_mixer(2 * i, "mamba1", f"layers.{i}.mamba", m, layer.pre_ff_layernorm, after_input=True))
        else:
            blocks.append(one_mixer(2 * i, "attention", f"layers.{i}.self_attn", layer.self_attn, layer.pre_ff_layernorm, after_input=True))
        ff, name = layer.feed_forward, f"layers.{i}.feed_forward"
        if hasattr(ff, "router"):
            blocks.append(Block(2 * i + 1, "moe", name, [Part("moe", ff, name, mixers.jamba_routing)], [(ff, 1.0)], layer))
        else:
            blocks.append(one_mixer(2 * i + 1, "mlp", name, ff, layer))
    return blocks


FAMILIES = {
    "nemotron_h": nemotron_h, "mamba2": mamba2, "mamba": mamba, "llama": llama, "falcon_mamba": mamba,
    "granitemoehybrid": granitemoehybrid, "bamba": granitemoehybrid, "falcon_h1": falcon_h1, "zamba2": zamba2, "jamba": jamba,
}


def blocks_of(model):
    model_type = model.config.model_type
    if model_type not in FAMILIES:
        raise FamilyError(f"model_type {model_type!r} is not supported (supported: {', '.join(FAMILIES)})")
    return FAMILIES[model_type](model)


def layout_of(blocks):
    return "".join(KIND_CHAR[b.kind] for b in blocks)
