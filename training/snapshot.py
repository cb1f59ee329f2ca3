"""A run cut by a deadline (its float16 resume.pt) as a Hugging Face model folder, to score it midway.

    python3 training/snapshot.py training/runs/transformer_12k /tmp/t12k
    npx hybridscope phonebook /tmp/t12k --entries 16,32 --format bare --samples 100 --seed 1000000

The architecture and its settings (state, heads, ...) come from the run's train.json, as train.py
built it; the weights are the resume.pt's float16 ones, written as train.py writes a finished model.
Runs on the CPU.
"""

import argparse
import json
import os
import shutil

import torch

import data
import models


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run", help="a run folder with train.json and resume.pt")
    ap.add_argument("out", help="where the model folder goes")
    args = ap.parse_args()
    if os.path.realpath(args.out).startswith(os.path.realpath(args.run) + os.sep):
        ap.error("the model folder must be outside the run (train.py takes <run>/model for a finished run)")
    log = json.load(open(os.path.join(args.run, "train.json")))
    settings = log["args"]
    tok = data.load_tokenizer()
    model = models.build(settings["model"], tok.get_vocab_size(), models.overrides_from(settings),
                         eos=tok.token_to_id("\n"))
    saved = torch.load(os.path.join(args.run, "resume.pt"), map_location="cpu")
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in saved["model"].items()})
    model.half().save_pretrained(args.out)
    shutil.copy(data.TOKENIZER, os.path.join(args.out, "tokenizer.json"))
    print(f"{args.run}: step {saved['step']} of {settings['steps']} -> {args.out}")


if __name__ == "__main__":
    main()
