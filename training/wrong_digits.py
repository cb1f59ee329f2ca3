"""What a model's wrong answers are, in PyTorch: exact match, the digits right in the wrong answers,
and how many of those are a copy of another entry's number, at a few book sizes, for model folders
given on the command line (the shipped ones, or a run's model/). For recipe probes on the GPU machine;
the cards' numbers come from the engine.

    python3 training/wrong_digits.py assets/models/mamba2 training/runs/x/model --entries 32 --samples 400
"""

import argparse
import json
import sys

import torch
import transformers

import data
import evaluate
import fast_mixers
from sweeps import EVAL_SEED


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="+", help="model folders (config.json, model.safetensors)")
    ap.add_argument("--entries", default="32")
    ap.add_argument("--formats", default="bare,question")
    ap.add_argument("--samples", type=int, default=400)
    ap.add_argument("--seed", type=int, default=EVAL_SEED)
    ap.add_argument("--out", help="write the results as JSON here too")
    args = ap.parse_args(argv)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    tok = data.load_tokenizer()
    results = []
    for path in args.models:
        model = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).to(dev).eval()
        fast_mixers.use_fast_mixers(model)  # the training-time scans: transformers' Mamba paths are slow
        for n in map(int, args.entries.split(",")):
            for fmt in args.formats.split(","):
                a = evaluate.accuracy(model, tok, fmt, "standard", n, args.samples, args.seed, dev)
                r = {"model": path, "format": fmt, "entries": n, "samples": args.samples, "exact": a["accuracy"],
                     "wrong": a["wrong"], "copies": a["wrong_other_entry"], "wrong_digit_accuracy": a["wrong_digit_accuracy"]}
                results.append(r)
                wda = r["wrong_digit_accuracy"]
                print(f"{path} {fmt} {n}: exact {100 * r['exact']:.1f} %, {r['wrong']} wrong ({r['copies']} copies),"
                      f" digits right in the wrong {'n/a' if wda is None else f'{100 * wda:.1f} %'}", flush=True)
    if args.out:
        json.dump(results, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
