"""What a model knows of the numbers it missed: its digits given the true digits before each one.

    python3 training/forced_digits.py /tmp/eval mamba2 mamba --entries 32    # CPU, ~1 min a file

Reads <folder>/<id>-<format>-standard-1000000.samples.json (cards.py's sweep files, both formats),
rebuilds each missed sample's prompt from its seed with phonebook.py (the answer is checked), runs
the shipped model once over prompt + true answer (transformers, float32, no cache) and counts the
answer digits that are the argmax given the true prefix (teacher forcing). Greedy decoding writes
the same model's answers digit by digit from its own prefix; comparing the two shows where a miss
is decided. Printed per model, format and kind of miss: copies of another entry's number and
answers that are no entry's number (the engine's `retrieved`).
"""

import argparse
import json
import os
import sys

import tokenizers
import torch
import transformers

import phonebook
import sweeps
from data import IGNORE, digit_token_ids, encode_example

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@torch.no_grad()
def forced(model, tok, sample, digit_ids):
    """Per answer digit: is it the argmax given the prompt and the true digits before it."""
    p = sweeps.book_of(sample)
    ids, labels = encode_example(tok, dict(p, supervised=p["supervised"][-1:]))  # the asked answer only
    logits = model(torch.tensor(ids)[None], use_cache=False).logits[0]
    pos = [t for t in range(len(labels)) if labels[t] != IGNORE and int(labels[t]) in digit_ids]
    return [int(logits[t].argmax()) == int(labels[t]) for t in pos]


def pct(xs):
    return f"{100 * sum(xs) / len(xs):.0f} %" if xs else "n/a"


def report(model_id, fmt, rows):
    lines = []
    for name, keep in (("copies of another entry", lambda r: r["copy"]),
                       ("no entry's number", lambda r: not r["copy"]), ("all misses", lambda r: True)):
        rs = [r for r in rows if keep(r)]
        lines.append(f"{model_id} {fmt}: {name}: {len(rs)}; digits right, greedy {pct([r['greedy'] for r in rs])}, "
                     f"given the true prefix {pct([sum(r['forced']) / len(r['forced']) for r in rs])} "
                     f"(first digit {pct([r['forced'][0] for r in rs])}, "
                     f"the rest {pct([sum(r['forced'][1:]) / (len(r['forced']) - 1) for r in rs])})")
    return lines


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("ids", nargs="+")
    ap.add_argument("--entries", type=int, default=32)
    args = ap.parse_args(argv)
    for model_id in args.ids:
        path = os.path.join(ROOT, "assets", "models", model_id)
        tok = tokenizers.Tokenizer.from_file(os.path.join(path, "tokenizer.json"))
        model = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
        digit_ids = set(digit_token_ids(tok).tolist())
        for fmt in phonebook.FORMATS:
            samples = json.load(open(sweeps.sweep_file(args.folder, model_id, fmt)))["samples"]
            rows = [{"copy": s["retrieved"] is not None, "greedy": s["digitAccuracy"],
                     "forced": forced(model, tok, s, digit_ids)}
                    for s in samples if s["entries"] == args.entries and not s["exact"]]
            print("\n".join(report(model_id, fmt, rows)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
