"""Put finished runs in assets/models/: the model folder's files and the run's train.json, checked first.

    python3 training/ship.py training/runs/hybrid_ft:hybrid training/runs/mamba_ft:mamba ...

Each run must be finished (train.py wrote <run>/model) with all its planned steps, be of the model it
is shipped as, with the layout and parameter count of the shipped one (`--new-shape` lets a model change
shape), carry the project's tokenizer, and, if it went on from other weights (--init-from), keep that
run's train.json as its base (the card tells both). Every run is checked before any file is copied, so a
bad one ships nothing. An ablation variant of ablations.json (ABLATIONS.md) ships into a new folder: its
run must be a run of its base model with every run-defining setting of the variant's planned last phase
(recipe_text.variant_train: the base's, with the variant's flags), its first phase likewise, and its
parameters within ±10 % of the base's. README.md and eval.json stay as they were: `cards.py` rewrites them from the
engine's sweeps of the new files (until then they describe the old weights). Standard library only.
"""

import argparse
import filecmp
import json
import os
import shutil

import recipe_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "assets", "models")
TOKENIZER = os.path.join(ROOT, "assets", "tokenizer", "tokenizer.json")
MODEL_FILES = ("config.json", "generation_config.json", "model.safetensors", "tokenizer.json")


def variant_problem(run, train, v):
    """What is wrong with `run` (its train.json `train`) as ablation variant `v`, or None."""
    try:
        base = json.load(open(os.path.join(MODELS, v["base"], "train.json")))
    except (OSError, ValueError) as e:
        return f"assets/models/{v['base']}/train.json (the base of {v['id']}): {e}"
    defining, defaults = recipe_text.train_options()
    planned = recipe_text.variant_train(v, base)
    for have, want in ((train, planned), (train.get("base"), planned.get("base"))):
        if (have is None) != (want is None):
            return f"{run}: {'no' if have is None else 'one'} earlier phase, the plan has {'one' if want else 'none'}"
        if have is None:
            break
        setting = lambda t, k: t["args"].get(k, defaults.get(k))  # older runs lack newer options: their defaults
        differ = [k for k in defining if k != "init_from" and setting(have, k) != setting(want, k)]
        if differ:
            said = ", ".join(f"{k} (run {setting(have, k)!r}, plan {setting(want, k)!r})" for k in differ)
            return f"{run} is not {v['id']}'s plan in {said}"
    if abs(train.get("parameters", 0) / base["parameters"] - 1) > 0.10:
        return f"{run} has {train.get('parameters')} parameters, beyond ±10 % of {v['base']}'s {base['parameters']}"
    return None


def check(run, model_id, new_shape=False):
    """What is wrong with shipping `run` as `model_id`, or None."""
    folder = os.path.join(run, "model")
    missing = [f for f in MODEL_FILES if not os.path.isfile(os.path.join(folder, f))]
    if missing:
        return f"{folder} lacks {', '.join(missing)} (is the run finished?)"
    try:
        train = json.load(open(os.path.join(run, "train.json")))
    except (OSError, ValueError) as e:
        return f"{run}/train.json: {e}"
    plan = recipe_text.variant(model_id)
    model = plan["base"] if plan else model_id
    if train.get("model") != model:
        return f"{run} trained a {train.get('model')!r} model, not {model!r}"
    args = train.get("args", {})
    if train.get("steps_done", 0) < args.get("steps", float("inf")):
        return f"{run} stopped at step {train.get('steps_done')} of {args.get('steps')}"
    if args.get("init_from") and (train.get("base") or {}).get("model") != model:
        return f"{run} went on from {args['init_from']} but keeps no train.json of a {model!r} run as its base"
    if not filecmp.cmp(os.path.join(folder, "tokenizer.json"), TOKENIZER, shallow=False):
        return f"{folder}/tokenizer.json is not assets/tokenizer/tokenizer.json"
    if plan:
        return variant_problem(run, train, plan)
    if not os.path.isdir(os.path.join(MODELS, model_id)):
        return f"assets/models/{model_id} does not exist (a new model also needs its card and manifest entry)"
    try:
        shipped = json.load(open(os.path.join(MODELS, model_id, "train.json")))
    except (OSError, ValueError) as e:
        return f"assets/models/{model_id}/train.json: {e}"
    shape = {k: (shipped.get(k), train.get(k)) for k in ("layout", "parameters") if shipped.get(k) != train.get(k)}
    if shape and not new_shape:
        return f"{run} differs in shape from assets/models/{model_id} (shipped, run): {shape}; --new-shape if meant"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+", help="run:id, e.g. training/runs/hybrid_ft:hybrid")
    ap.add_argument("--new-shape", action="store_true", help="a run may change its model's layout or parameter count")
    args = ap.parse_args()
    pairs = [spec.rsplit(":", 1) for spec in args.runs]
    if any(len(p) != 2 for p in pairs):
        ap.error("each run is given as <run folder>:<model id>")
    ids = [model_id for _, model_id in pairs]
    if len(set(ids)) < len(ids):
        ap.error("a model id is given twice")
    problems = [p for p in (check(run, model_id, args.new_shape) for run, model_id in pairs) if p]
    if problems:
        raise SystemExit("ship: nothing copied\n" + "\n".join(f"  {p}" for p in problems))
    for run, model_id in pairs:
        dest = os.path.join(MODELS, model_id)
        os.makedirs(dest, exist_ok=True)  # a variant's first shipping
        for name in MODEL_FILES:
            shutil.copyfile(os.path.join(run, "model", name), os.path.join(dest, name))
        shutil.copyfile(os.path.join(run, "train.json"), os.path.join(dest, "train.json"))
        print(f"{run} -> assets/models/{model_id} (README.md and eval.json are stale until cards.py runs)")


if __name__ == "__main__":
    main()
