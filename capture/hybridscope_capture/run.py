"""One captured run, the engine's run (engine/run.ts runModel) in transformers: the prompt's prefill
with forward hooks on every block that fill its LayerRecord and write it to the trace as soon as the
block is done, then greedy tokens and the scored summary.

Per block (families.py), three kinds of hooks: before each probed mixer (its normed input: the probes
recompute their inputs from it, mixers.py, and run probes.py under the budget), after each module
whose output the block adds (contributionNorm) and where the residual stream after the block is
(residualNorm). A block of two probed mixers (a parallel or shared layer) runs its probes once both
inputs are known, in the engine's order of budget charges, whichever mixer transformers runs first.
Nothing T × T and no per-token state is kept; a hook's temporaries are freed before the next block runs."""
import time

import torch

from . import PRODUCER
from .budget import CaptureBudget, plan_capture
from .families import blocks_of, layout_of
from .model_io import Decoder, greedy, new_text
from .probes import attention_probe, mamba1_probe, mamba2_probe, moe_probe
from .score import score_in_book

RECORD_KEY = {"attention": "attention", "mamba2": "ssm", "mamba1": "ssm", "moe": "moe"}


def probe_part(part, u, kwargs, plan, budget):
    """The record's part (`attention`, `ssm` or `moe`) for one probed mixer, or None."""
    m = part.module
    if part.kind == "attention":
        q, k = part.inputs(m, u, kwargs)
        return attention_probe(q, k, m.scaling, plan, budget, part.name)
    if part.kind == "mamba2":
        return mamba2_probe(*part.inputs(m, u), plan, budget, part.name)
    if part.kind == "mamba1":
        return mamba1_probe(*part.inputs(m, u), plan, budget, part.name)
    return moe_probe(*part.inputs(m, u), plan, budget, part.name)


def _first(x):
    return x[0] if isinstance(x, (tuple, list)) else x


def _norms(x):
    """‖x_t‖ per token of (1, T, D), float32 numpy."""
    return x[0].norm(dim=-1).to("cpu", torch.float32).numpy()


class Recorder:
    """The hooks of one prefill; `layer` receives each finished record."""

    def __init__(self, blocks, T, plan, budget, layer):
        self.blocks, self.T, self.plan, self.budget, self.layer = blocks, T, plan, budget, layer
        self.open = {}
        # probe layers from each block on (itself included): the budget's fair shares
        kinds = [b.kind for b in blocks]
        self.left = {b.index: sum(k != "mlp" for k in kinds[i:]) for i, b in enumerate(blocks)}
        self.handles = []
        self.first_ms = None
        self.t0 = time.perf_counter()

    def __enter__(self):
        for b in self.blocks:
            for j, part in enumerate(b.parts):
                self.handles.append(part.module.register_forward_pre_hook(self._before(b, j), with_kwargs=True))
            for module, scale in b.adds:
                self.handles.append(module.register_forward_hook(self._added(b, scale)))
            if b.after_input:
                self.handles.append(b.after.register_forward_pre_hook(lambda _m, args, b=b: self._done(b, args[0])))
            else:
                self.handles.append(b.after.register_forward_hook(lambda _m, _a, out, b=b: self._done(b, out)))
        return self

    def __exit__(self, *exc):
        for h in self.handles:
            h.remove()

    def _opened(self, b):
        """The block's open record, begun at its first hook (the budget's layer begins with it)."""
        if b.index not in self.open:
            self.budget.begin_layer(0 if b.kind == "mlp" else self.left[b.index])
            self.open[b.index] = {"started": time.perf_counter(), "inputs": {}, "parts": {}, "added": None}
        return self.open[b.index]

    def _before(self, b, j):
        def hook(_m, args, kwargs):
            o = self._opened(b)
            o["inputs"][j] = (args[0] if args else kwargs["hidden_states"], kwargs)
            if len(o["inputs"]) == len(b.parts):
                for k, part in enumerate(b.parts):
                    r = probe_part(part, *o["inputs"][k], self.plan, self.budget)
                    if r is not None:
                        o["parts"][RECORD_KEY[part.kind]] = r
                o["inputs"].clear()
        return hook

    def _added(self, b, scale):
        def hook(_m, _args, out):
            o = self._opened(b)
            y = _first(out).double() * scale
            o["added"] = y if o["added"] is None else o["added"] + y
        return hook

    def _done(self, b, stream):
        o = self.open.pop(b.index)
        record = {
            "index": b.index, "block": b.index, "kind": b.kind, "name": b.name, "T": self.T,
            "residualNorm": _norms(_first(stream).double()), "contributionNorm": _norms(o["added"]), "focus": list(self.plan.focus),
            "ms": 1000 * (time.perf_counter() - o["started"]),
        }
        record.update(o["parts"])
        notices, self.budget.notices[:] = list(self.budget.notices), []
        if notices:
            record["notices"] = notices
        self.layer(record)
        if self.first_ms is None:
            self.first_ms = 1000 * (time.perf_counter() - self.t0)


def capture(model, tok, prompt, writer, *, name, capture_spec, max_new_tokens=32, top_k=5, decode="cache", prompt_spec=None):
    """Runs `prompt` (a PromptInfo dict) on `model` with every probe of `capture_spec`, writing the
    trace to `writer`; returns the summary. A phonebook prompt's answer ends at its line's end."""
    t0 = time.perf_counter()
    blocks = blocks_of(model)
    layout = layout_of(blocks)
    order = [b.index for b in blocks]
    ids = list(prompt["ids"])
    T = len(ids)
    prompt = {**prompt, "focus": sorted(set(prompt["focus"]) | {p for p in capture_spec.get("focus", []) if p < T})}
    book = prompt.get("phonebook")
    writer.header({
        "producer": PRODUCER,
        "model": {"name": name, "model_type": model.config.model_type, "vocab_size": model.config.vocab_size,
                  "layers": [{"index": b.index, "kind": b.kind} for b in blocks]},
        "layout": layout, "blocks": order, "prompt": prompt, **({"promptSpec": prompt_spec} if prompt_spec else {}),
        "capture": capture_spec,
        "maxNewTokens": max_new_tokens, "topK": top_k,
    })
    plan = plan_capture({**capture_spec, "focus": prompt["focus"], "entries": [e["tokens"] for e in book["entries"]] if book else []}, T)
    budget = CaptureBudget(plan.budget_bytes)
    budget.charge(len(blocks) * 2 * T * 4)  # the per-token norms every run keeps
    decoder = Decoder(model, decode)
    with Recorder(blocks, T, plan, budget, writer.layer) as rec:
        logits = decoder.prefill(ids)
    prefill_ms = 1000 * (time.perf_counter() - t0)

    tokens, generated, text = [], [], ""
    stop_at_newline = book is not None
    tg = time.perf_counter()
    # the text an alternative would have written (run.ts); its id where the tokenizer has no such token
    name_of = (lambda i: tok.decode([i]) if tok.id_to_token(i) is not None else str(i)) if tok else str
    for step, (tid, logprob, top) in enumerate(greedy(decoder, logits, max_new_tokens, top_k=top_k)):
        generated.append(tid)
        piece = new_text(tok, generated)
        text += piece
        tokens.append({"step": step, "id": tid, "text": piece, "logprob": logprob,
                       "top": [{"id": i, "logprob": lp, "text": name_of(i)} for i, lp in top] if top_k > 0 else []})
        if stop_at_newline and "\n" in piece and text.strip():
            break
    summary = {
        "status": "complete", "layout": layout, "blocks": order, "promptTokens": T, "generatedIds": generated,
        "generatedText": text, "recordsDigest": writer.digest.hex(), "captureBytes": budget.used,
        "timings": {"firstLayerMs": rec.first_ms or 0.0, "prefillMs": prefill_ms,
                    "msPerToken": 1000 * (time.perf_counter() - tg) / len(generated) if generated else 0.0},
    }
    if book:
        s = score_in_book(text, book["expected"], book["entries"], book["target"])
        summary.update(expected=book["expected"], exact=s["exact"], digitAccuracy=s["digitAccuracy"], retrieved=s["retrieved"])
    writer.finish(tokens, summary)
    return summary
