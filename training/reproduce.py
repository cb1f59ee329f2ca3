"""Train a bundled model again, every phase, with one command: the train.py commands of its card, in order.

    python3 training/reproduce.py mamba2              # on the GPU machine: each phase into training/runs/
    python3 training/reproduce.py mamba2 --dry-run    # print the commands only
    python3 training/reproduce.py mamba2 --runs /tmp/again
    python3 training/reproduce.py hybrid-attn0 --dry-run   # an ablation variant (ablations.json): its base's
                                                          # commands with its flags, shipped or not

The commands come from assets/models/<id>/train.json (a later phase keeps the one before as "base"), so
they are the settings the shipped weights were trained with. A phase's folder that holds a finished model
is refused, since train.py would skip it; one that a deadline cut is resumed. A rerun need not give the
same weights: the GPU's sums are not bit-reproducible, and the shipped first phases were resumed across
device calls (each card says how); training/RUNS.md has what two runs of one command did.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys

from recipe_text import ROOT, phase_commands, phase_outs, variant, variant_commands, variant_outs


def finished(folder):
    return os.path.exists(os.path.join(ROOT, folder, "model", "config.json"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="a bundled model's id: a folder of assets/models")
    ap.add_argument("--runs", default="training/runs", help="where the phases' run folders go (default: %(default)s)")
    ap.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = ap.parse_args()
    shipped = os.path.join(ROOT, "assets", "models")
    path = os.path.join(shipped, args.model, "train.json")
    planned = variant(args.model)
    if planned and not os.path.exists(path):  # a variant not shipped yet: its base's phases with its flags
        with open(os.path.join(shipped, planned["base"], "train.json")) as f:
            base = json.load(f)
        commands, outs = variant_commands(planned, base, args.runs), variant_outs(planned, base, args.runs)
    elif not os.path.exists(path):
        ids = sorted(d for d in os.listdir(shipped) if os.path.exists(os.path.join(shipped, d, "train.json")))
        sys.exit(f"no assets/models/{args.model}/train.json: the bundled models are {', '.join(ids)}")
    else:
        with open(path) as f:
            train = json.load(f)
        commands, outs = phase_commands(args.model, train, args.runs), phase_outs(args.model, train, args.runs)
    done = [out for out in outs if finished(out)]
    if done and not args.dry_run:
        sys.exit(f"{', '.join(done)} hold{'s' if len(done) == 1 else ''} a finished model, which train.py would "
                 "keep instead of training again: move it away or give another --runs")
    for i, (command, out) in enumerate(zip(commands, outs), start=1):
        print(f"phase {i} of {len(commands)}: {command}", flush=True)
        if args.dry_run:
            continue
        argv = shlex.split(command)
        status = subprocess.run([sys.executable] + argv[1:], cwd=ROOT).returncode
        if status or not finished(out):
            sys.exit(f"phase {i} did not finish (exit status {status}; no {out}/model); the phases after it did not run")


if __name__ == "__main__":
    main()
