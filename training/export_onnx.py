"""Export the bundled models to ONNX for `npm run bench` (onnxruntime-node is the native anchor).

One graph per model: input `input_ids` int64 (1, T) with T dynamic, output `logits` float32 (1, T, V),
the transformers forward in float32 with use_cache=False (the same math the engine runs). Each export
is checked with onnxruntime against PyTorch at two lengths that differ from the traced one, so a shape
baked in at trace time is caught here rather than in the bench.

    python3 training/export_onnx.py --models hybrid,transformer,mamba2 --out bench/onnx

No GPU needed: on a 2-core CPU a model takes up to ~2 minutes. Exporting some of the models (`--models
hybrid,mamba2`) keeps the other entries of export-report.json. Exits non-zero unless every model asked
for was exported and checked (so always for mamba, which does not export).

Mamba-1's transformers path is a Python loop over time, which does not export with a dynamic length;
it is left out (the bench then reports no onnxruntime column for it).
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import transformers

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


class LogitsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model(input_ids=input_ids, use_cache=False).logits


def load(model_id, folder=None):
    folder = folder or os.path.join(ROOT, "assets", "models", model_id)
    cfg = json.load(open(os.path.join(folder, "config.json")))
    cls = getattr(transformers, cfg["architectures"][0])
    kw = {"attn_implementation": "eager"} if cfg["model_type"] in ("nemotron_h", "llama") else {}
    return cls.from_pretrained(folder, dtype=torch.float32, **kw).eval(), cfg["vocab_size"]


def export(wrapper, ids, path):
    """Dynamo export with a symbolic length first; the TorchScript tracer as a fallback. A model over
    1.5 GB of float32 weights keeps them beside the graph (<path>.data: a protobuf holds at most 2 GB)."""
    big = sum(p.numel() for p in wrapper.parameters()) * 4 > 1.5e9
    try:
        T = torch.export.Dim("T", min=2, max=16384)
        torch.onnx.export(wrapper, (ids,), path, input_names=["input_ids"], output_names=["logits"],
                          dynamic_shapes={"input_ids": {1: T}}, dynamo=True, external_data=big)
        return "dynamo"
    except Exception as e:  # noqa: BLE001 - report and try the other exporter
        print(f"  dynamo export failed: {type(e).__name__}: {str(e).splitlines()[0][:300]}", flush=True)
    torch.onnx.export(wrapper, (ids,), path, input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {1: "T"}, "logits": {1: "T"}}, dynamo=False, opset_version=17)
    return "tracer"


def check(path, wrapper, vocab, lengths):
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    errs = {}
    for T in lengths:
        ids = torch.randint(0, vocab, (1, T))
        with torch.no_grad():
            ref = wrapper(ids).numpy()
        out = sess.run(None, {"input_ids": ids.numpy().astype(np.int64)})[0]
        errs[T] = float(np.linalg.norm(out - ref) / np.linalg.norm(ref))
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="hybrid,transformer,mamba2")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "onnx"))
    ap.add_argument("--deadline", type=float, default=240, help="seconds; models not started by then are skipped")
    ap.add_argument("--from", dest="source", action="append", default=[], metavar="ID=FOLDER",
                    help="export this folder as <ID>.onnx instead of assets/models/<ID> (fresh runs, bench part h's checkpoints)")
    ap.add_argument("--check-lengths", default="77,1000", help="prompt lengths the export is checked at against PyTorch")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    start, report = time.time(), {}
    folders = dict(spec.split("=", 1) for spec in args.source)
    for model_id in args.models.split(","):
        if time.time() - start > args.deadline:
            report[model_id] = {"skipped": "deadline"}  # its earlier entry and .onnx, if any, stay
            continue
        t0 = time.time()
        try:
            model, vocab = load(model_id, folders.get(model_id))
            wrapper = LogitsOnly(model)
            path = os.path.join(args.out, f"{model_id}.onnx")
            how = export(wrapper, torch.randint(0, vocab, (1, 300)), path)
            errs = check(path, wrapper, vocab, [int(n) for n in args.check_lengths.split(",")])
            ok = all(e < 1e-4 for e in errs.values())
            if not ok:
                for f in (path, path + ".data"):
                    if os.path.exists(f):
                        os.remove(f)
            report[model_id] = {"exporter": how, "rel_err": errs, "kept": ok,
                                "bytes": sum(os.path.getsize(f) for f in (path, path + ".data") if os.path.exists(f)) if ok else 0, "seconds": round(time.time() - t0, 1)}
        except Exception as e:  # noqa: BLE001 - one model failing must not stop the others
            report[model_id] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"}
            stale = os.path.join(args.out, f"{model_id}.onnx")
            if os.path.exists(stale):  # from earlier weights: the bench must not time it as this model
                os.remove(stale)
        print(model_id, json.dumps(report[model_id]), flush=True)
    # merged into the existing report, so exporting some of the models keeps the others' entries
    report_path = os.path.join(args.out, "export-report.json")
    earlier = json.load(open(report_path)) if os.path.exists(report_path) else {}
    fresh = {k: r for k, r in report.items() if "skipped" not in r}
    json.dump({**earlier, **fresh}, open(report_path, "w"), indent=1)
    sys.exit(0 if all(r.get("kept") for r in report.values()) else 1)  # every model asked for, exported and checked


if __name__ == "__main__":
    main()
