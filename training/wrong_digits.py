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
import phonebook
from sweeps import EVAL_SEED


def digits(s):
    return "".join(c for c in s if "0" <= c <= "9")


def wrong_answers(model, tok, fmt, entries, samples, seed, dev):
    prompts = evaluate.sweep_prompts(fmt, "standard", entries, samples, seed)
    answers = evaluate.greedy_answers(model, tok, prompts, dev)
    wrong, copies = [], 0
    for a, p in zip(answers, prompts):
        s = phonebook.score_answer(a, p["answer"])
        if s["exact"]:
            continue
        wrong.append(s["digitAccuracy"])
        others = {digits(e["number"]) for i, e in enumerate(p["entries"]) if i != p["target"]}
        copies += digits(s["line"]) in others
    return {"format": fmt, "entries": entries, "samples": samples, "exact": 1 - len(wrong) / samples,
            "wrong": len(wrong), "copies": copies,
            "wrong_digit_accuracy": sum(wrong) / len(wrong) if wrong else None}


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
                r = {"model": path, **wrong_answers(model, tok, fmt, n, args.samples, args.seed, dev)}
                results.append(r)
                wda = r["wrong_digit_accuracy"]
                print(f"{path} {fmt} {n}: exact {100 * r['exact']:.1f} %, {r['wrong']} wrong ({r['copies']} copies),"
                      f" digits right in the wrong {'n/a' if wda is None else f'{100 * wda:.1f} %'}", flush=True)
    if args.out:
        json.dump(results, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
