"""Train a bundled model again, every phase, with one command: the train.py commands of its card, in order.

    python3 training/reproduce.py mamba2              # on the GPU machine: each phase into training/runs/
    python3 training/reproduce.py mamba2 --dry-run    # print the commands only

The commands come from assets/models/<id>/train.json (a later phase keeps the one before as "base"), so
they are the settings the shipped weights were trained with. A rerun need not give the same weights: the
GPU's sums are not bit-reproducible, and the shipped first phases were resumed across device calls (each
card says how); training/RUNS.md has what two runs of one command did.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys

from recipe_text import ROOT, phase_commands


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="a bundled model's id: a folder of assets/models")
    ap.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = ap.parse_args()
    path = os.path.join(ROOT, "assets", "models", args.model, "train.json")
    if not os.path.exists(path):
        sys.exit(f"no {os.path.relpath(path, ROOT)}: the bundled models are "
                 + ", ".join(sorted(d for d in os.listdir(os.path.dirname(os.path.dirname(path)))
                                    if os.path.isdir(os.path.join(ROOT, "assets", "models", d)))))
    commands = phase_commands(args.model, json.load(open(path)))
    for i, command in enumerate(commands, start=1):
        print(f"phase {i} of {len(commands)}: {command}", flush=True)
        if not args.dry_run:
            done = subprocess.run(shlex.split(command), cwd=ROOT)
            if done.returncode:
                sys.exit(f"phase {i} stopped with exit status {done.returncode}; the phases after it did not run")


if __name__ == "__main__":
    main()
