"""Each ablation variant (ablations.json) built and trained a little on the CPU, before any GPU time goes on it.

    tmp/venv-ci/bin/python training/check_ablations.py           # every variant: parameters, then both phases
    tmp/venv-ci/bin/python training/check_ablations.py --only hybrid-attn0 --no-train

Prints each variant's parameter count against the hybrid's (each must be within 10 %), then runs its own train.py
commands (recipe_text.variant_commands: the base's phases with the variant's flags) for 10 steps of batch 2 each
in a temporary folder (train.py logs the loss every 10 steps), the second phase from the model the first one saved, so that the flags, the
architecture and the --init-from chain are all exercised. Exits 1 when any variant fails.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

import recipe_text

SMOKE = ["--steps", "10", "--batch", "2", "--eval-every", "1000", "--eval-deadline", "0", "--workers", "1"]
BAND = 0.10


def counts(variants):
    """{variant id: parameters} of each variant's architecture (its first phase's settings), and the hybrid's."""
    import transformers  # here, so that --help needs no torch
    import models
    transformers.logging.set_verbosity_error()
    vocab = json.load(open(os.path.join(recipe_text.ROOT, "assets", "models", "hybrid", "config.json")))["vocab_size"]
    hybrid = json.load(open(os.path.join(recipe_text.ROOT, "assets", "models", "hybrid", "train.json")))["parameters"]
    out = {}
    for v in variants:
        base = json.load(open(os.path.join(recipe_text.ROOT, "assets", "models", v["base"], "train.json")))
        first = recipe_text.phases(recipe_text.variant_train(v, base))[0]["args"]
        out[v["id"]] = models.count_params(models.build(v["base"], vocab, models.overrides_from(first)))
    return hybrid, out


def smoke(v, tmp):
    """Both phases of the variant for 10 steps each; None, or the first failure's last lines."""
    base = json.load(open(os.path.join(recipe_text.ROOT, "assets", "models", v["base"], "train.json")))
    for i, command in enumerate(recipe_text.variant_commands(v, base, tmp), start=1):
        argv = shlex.split(command)
        done = subprocess.run([sys.executable] + argv[1:] + SMOKE, cwd=recipe_text.ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            return f"phase {i}: exit {done.returncode}: " + " | ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
        run = json.load(open(os.path.join(tmp, os.path.basename(argv[argv.index("--out") + 1]), "train.json")))
        loss = run["curve"][-1]["loss"]
        print(f"  phase {i}: {run['steps_done']} steps, loss {loss}, layout {run['layout']}, "
              f"{run['parameters']:,} parameters", flush=True)
        if not 0 < loss < 100:  # math.isfinite, and not the 0 of a curve point with no logged step
            return f"phase {i}: loss {loss}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="these variant ids (comma-separated)")
    ap.add_argument("--no-train", action="store_true", help="parameter counts only")
    args = ap.parse_args()
    only = [i for i in args.only.split(",") if i]
    variants = [v for v in recipe_text.ablation_plan() if not only or v["id"] in only]
    hybrid, n = counts(variants)
    bad = []
    print(f"hybrid (shipped): {hybrid:,} parameters; band +-{100 * BAND:.0f} %: {int(hybrid * (1 - BAND)):,} to {int(hybrid * (1 + BAND)):,}")
    for v in variants:
        ratio = n[v["id"]] / hybrid - 1
        ok = abs(ratio) <= BAND
        print(f"{v['id']:<18} {v['axis']:<19} {str(v['value']):<6} {n[v['id']]:>10,} {100 * ratio:+6.1f} %  {'ok' if ok else 'OUTSIDE'}"
              f"  {' '.join(v['flags'])}", flush=True)
        if not ok:
            bad.append(f"{v['id']}: {100 * ratio:+.1f} % of the hybrid's parameters")
    if not args.no_train:
        for v in variants:
            print(v["id"], "- a training step of each phase on the CPU", flush=True)
            with tempfile.TemporaryDirectory() as tmp:
                failure = smoke(v, tmp)
            if failure:
                print("  FAILED", failure, flush=True)
                bad.append(f"{v['id']}: {failure}")
    if bad:
        sys.exit("check_ablations: " + "; ".join(bad))
    print("check_ablations: every variant is within the band" + ("" if args.no_train else " and trains through both phases"))


if __name__ == "__main__":
    main()
