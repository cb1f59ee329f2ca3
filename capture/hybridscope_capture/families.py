"""Model families by config.json `model_type`, as engine/models/registry.ts registers them: each
turns a transformers model into the engine's list of blocks (engine/models/<type>.ts), naming for
each block its mixer (whose normed input the probes read, and whose output the block adds) and where
the residual stream after the block can be read. A new family is one function and one line in
FAMILIES; its mixers' probe inputs come from mixers.py."""
from dataclasses import dataclass

from torch import nn

KIND_CHAR = {"mamba1": "m", "mamba2": "M", "attention": "*", "mlp": "-"}


@dataclass
class Block:
    index: int
    kind: str  # mamba2 | mamba1 | attention | mlp
    name: str  # the engine's block name, after the weights (layers.3.mixer)
    mixer: nn.Module
    after: nn.Module  # the stream after this block is this module's output, or its input when after_input
    after_input: bool = False


class FamilyError(ValueError):
    """A checkpoint the capture package cannot run: one line."""


def nemotron_h(model):
    kinds = {"linear_attention": "mamba2", "full_attention": "attention", "mlp": "mlp"}
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        if layer.block_type not in kinds:
            raise FamilyError(f"layer {i} is a {layer.block_type} block, which the engine does not run (it runs Mamba-2, attention and MLP blocks)")
        blocks.append(Block(i, kinds[layer.block_type], f"layers.{i}.mixer", layer.mixer, layer))
    return blocks


def mamba2(model):
    return [Block(i, "mamba2", f"layers.{i}.mixer", layer.mixer, layer) for i, layer in enumerate(model.base_model.layers)]


def mamba(model):
    return [Block(i, "mamba1", f"layers.{i}.mixer", layer.mixer, layer) for i, layer in enumerate(model.base_model.layers)]


def llama(model):
    """HF layer i is two engine blocks: 2i attention (its stream is the input of
    post_attention_layernorm) and 2i+1 MLP (the layer's output)."""
    blocks = []
    for i, layer in enumerate(model.base_model.layers):
        blocks.append(Block(2 * i, "attention", f"layers.{i}.self_attn", layer.self_attn, layer.post_attention_layernorm, True))
        blocks.append(Block(2 * i + 1, "mlp", f"layers.{i}.mlp", layer.mlp, layer))
    return blocks


FAMILIES = {"nemotron_h": nemotron_h, "mamba2": mamba2, "mamba": mamba, "llama": llama}


def blocks_of(model):
    model_type = model.config.model_type
    if model_type not in FAMILIES:
        raise FamilyError(f"model_type {model_type!r} is not supported (supported: {', '.join(FAMILIES)})")
    return FAMILIES[model_type](model)


def layout_of(blocks):
    return "".join(KIND_CHAR[b.kind] for b in blocks)
