"""How a bundled model was trained, in the words of its card: from its train.json (train.py's log).

A model trained in two phases (train.py --init-from) keeps its first run's train.json as "base"; its card
tells both. Standard library only; cards.py writes the cards.
"""

import ast
import functools
import json
import os
import re
import shlex

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def lr_text(lr):
    """A learning rate as the cards and commands write it: 1e-3, 3e-4."""
    return ("%.0e" % lr).replace("e-0", "e-")


RUN_SETTINGS = ("batch", "seed", "max_entries", "mimetic", "formats", "max_shots", "lm_weight", "bare_until", "ramp",
                "digit_noise", "digit_noise_from")
ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth")


def ordinal(i):
    """'first', 'second', ... for phase index i (from 0)."""
    return ORDINAL[i] if i < len(ORDINAL) else f"{i + 1}th"


def phases(train):
    """The runs a model went through, first to last: a run from --init-from weights follows its base run."""
    return (phases(train["base"]) if train.get("base") else []) + [train]


def differing_settings(runs):
    """RUN_SETTINGS that differ between the models' runs {id: phases}, phase by phase (first with first, ...)."""
    differ = []
    for k in RUN_SETTINGS:
        by_phase = {}
        for ps in runs.values():
            for i, p in enumerate(ps):
                by_phase.setdefault(i, set()).add(json.dumps(p["args"].get(k)))
        if any(len(values) > 1 for values in by_phase.values()):
            differ.append(k)
    return differ


def alike_line(trains):
    """How the four models' training differs, phase by phase, from their train.json files: settings, learning
    rate, phases, steps done."""
    runs = {m: phases(t) for m, t in trains.items()}
    differ = differing_settings(runs)
    lrs = ", ".join(f"{m} " + " then ".join(lr_text(p["args"]["lr"]) for p in ps) for m, ps in runs.items())
    steps = ", ".join(f"{m} " + " + ".join(f"{p['steps_done']:,} of {p['args']['steps']:,}" for p in ps)
                      for m, ps in runs.items())
    short = [m for m, ps in runs.items() if any(p["steps_done"] < p["args"]["steps"] for p in ps)]
    same = "data, batch, optimizer, schedule and seed" if not differ else \
        "data, optimizer and schedule; differing also in " + ", ".join(differ)
    most = max(len(ps) for ps in runs.values())
    uneven = any(len(ps) < most for ps in runs.values())
    return (f"- Trained alike ({same}) except the learning rate, each architecture's own ({lrs}: the "
            f"attention models stall at the SSMs' 1e-3), and the steps done of those planned ({steps}"
            + (f": {', '.join(short)} stopped early, the device time ran out" if short else "")
            + ")" + ("; phases: " + ", ".join(f"{m} {len(ps)} of {most}" for m, ps in runs.items()) if uneven else "")
            + ". training/RUNS.md has every run.")


@functools.cache
def train_options():
    """train.py's RUN_DEFINING and {setting: default} of its options, read from its source (no torch here)."""
    tree = ast.parse(open(os.path.join(ROOT, "training", "train.py")).read())
    defining, defaults = (), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "RUN_DEFINING":
            defining = ast.literal_eval(node.value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_argument":
            flag = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else ""
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if flag.startswith("--") and isinstance(default, ast.Constant):
                defaults[flag[2:].replace("-", "_")] = default.value
    return defining, defaults


def defining_flags(args, shown=("model", "steps", "lr")):
    """The run-defining settings (train.py's RUN_DEFINING) that differ from train.py's defaults, as flags."""
    defining, defaults = train_options()
    flags = ""
    for k in defining:
        v = args.get(k)
        if k in shown or v is None or k not in defaults or v == defaults[k]:
            continue
        shown_v = shlex.quote(v) if isinstance(v, str) else int(v) if isinstance(v, float) and v.is_integer() else v
        flags += f" --{k.replace('_', '-')} {shown_v}"  # a pattern's * quoted for the shell
    return flags


def resumes_text(calls):
    """How a run spread over several device calls went on: from state.pt or from the float16 resume.pt."""
    if len(calls) < 2:
        return ""
    def resumed(source, what):
        steps = [f"{c['from_step']:,}" for c in calls if c.get("resumed_from") == source]
        if not steps:
            return []
        listed = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
        return [f"at step{'s' if len(steps) > 1 else ''} {listed} from {what}"]

    parts = resumed("state.pt", "state.pt (weights and AdamW moments)") + \
        resumed("resume.pt", "the float16 resume.pt (fresh AdamW moments, a 50-step re-warm-up)")
    return f", over {len(calls)} device calls" + (", resumed " + " and ".join(parts) if parts else "")


def noise_text(a):
    """train.py --digit-noise, as the card's data line says it."""
    if not a.get("digit_noise"):
        return ""
    start = a.get("digit_noise_from") or 0
    return (f"; each answer digit fed back as input is another digit with chance {a['digit_noise']:g}"
            + (f" from {100 * start:.0f} % of the steps on" if start else "") + " (the targets stay the true digits)")


def books_text(a):
    """The book sizes of a run's data (its curriculum)."""
    if not a.get("ramp", 0.5):
        return f"books of 2 to {a['max_entries']} entries"
    return (f"books of 2 to a cap that grows from 4 to {a['max_entries']} entries over the first "
            f"{100 * a.get('ramp', 0.5):.0f} % of the steps")


def formats_text(a):
    """The prompt formats of a run's data, and when the question format joins."""
    formats = a.get("formats", "bare,question").split(",")
    if len(formats) == 1:
        return f"{formats[0]} format only"
    if not a.get("bare_until", 0):
        return "bare and question"
    return f"bare format only for the first {100 * a['bare_until']:.0f} % of the steps and then bare and question"


def schedule_text(model_id, t, first=True):
    """Steps, optimizer, schedule, init, seed and time of one run."""
    a, steps, planned = t["args"], t["steps_done"], t["args"]["steps"]
    cut = "" if steps >= planned else f" (stopped there, of the {planned:,} planned: the device time ran out)"
    init = ("" if model_id == "transformer" else "mimetic init of the Mamba layers, ") if first else ""
    return (f"{steps:,} steps{cut} of batch {a['batch']} ({t['tokens']:,} tokens), AdamW (0.9, 0.95), "
            f"lr {lr_text(a['lr'])} with 100 warm-up steps and cosine decay to 10 % over {planned:,} steps, weight decay "
            f"0.1 on matrices, clip 1.0, bf16 autocast, {init}seed {a['seed']}; {t['train_seconds']:.0f} s on one "
            f"{t['device']} that other runs may have shared{mps_text(t.get('calls', []))} (training/RUNS.md lists each call's runs)"
            + resumes_text(t.get("calls", [])))


def mps_text(calls):
    """Whether the run's kernels ran beside the other runs' through CUDA's Multi-Process Service (launch.py --mps)."""
    return ", their kernels side by side through CUDA MPS" if any(c.get("mps") for c in calls) else ""


def command_text(model_id, t, out, init_from=None):
    """The train.py command of one run, writing to `out` (and starting from `init_from`'s weights)."""
    a, steps = dict(t["args"]), t["steps_done"]
    if init_from:
        a["init_from"] = init_from
    return (f"python3 training/train.py --model {a.get('model', model_id)} --out {out} --steps {a['steps']} --lr {lr_text(a['lr'])}"
            + defining_flags(a) + (f" --stop-at {steps}" if steps < a["steps"] else ""))


def phase_outs(model_id, train, runs_dir="training/runs"):
    """Where each phase of a model writes: <runs_dir>/<id> for the first, <runs_dir>/<its run's name> after."""
    return [f"{runs_dir}/{model_id}"] + [f"{runs_dir}/{os.path.basename(os.path.normpath(t['args']['out']))}"
                                         for t in phases(train)[1:]]


def phase_commands(model_id, train, runs_dir="training/runs"):
    """The train.py commands that made a model, phase by phase (phase_outs); a later phase starts from the
    model folder the one before it wrote."""
    outs = phase_outs(model_id, train, runs_dir)
    return [command_text(model_id, t, outs[i], init_from=outs[i - 1] + "/model" if i else None)
            for i, t in enumerate(phases(train))]


def loss_summary(t):
    """A run's loss from first to last logged step, and its lowest (the plot, loss.svg, has the curve)."""
    c = t["curve"]
    if not c:
        return "no loss logged"
    low = min(c, key=lambda p: p["loss"])
    return (f"{c[0]['loss']:g} at step {c[0]['step']:,} to {c[-1]['loss']:g} at step {c[-1]['step']:,} "
            f"(lowest {low['loss']:g} at {low['step']:,})")


def loss_line(train):
    """The card's loss line: where the plot is, and each phase in one clause."""
    runs = phases(train)
    first = runs[0]["args"]
    joins = "" if not first.get("bare_until") else \
        f"; the question format joins at step {round(first['bare_until'] * first['steps']):,} and the loss jumps there"
    clauses = [f"first phase {loss_summary(runs[0])}{joins}"]
    for i, t in enumerate(runs[1:], start=1):
        noisy = (", the answer digits in its inputs noisy and its targets true, so not comparable with the first "
                 "phase's") if t["args"].get("digit_noise") else ""
        clauses.append(f"{ordinal(i)} phase, counted from its own start{noisy}: {loss_summary(t)}")
    return "- Loss on the supervised tokens, every 100 steps (plot: loss.svg, below): " + "; ".join(clauses) + "."


def recipe_lines(model_id, train, alike):
    """The card's data, training, command, `alike` and loss lines; a run from --init-from weights is a later phase."""
    runs = phases(train)
    first = runs[0]
    a = first["args"]
    lines = [f"- Data{' (first phase)' if len(runs) > 1 else ''}: phonebook prompts from training/phonebook.py (the engine generator's twin), {books_text(a)}, "
             f"{formats_text(a)}, 25 % reversed, up to {a['max_shots']} supervised look-ups in 70 % of the books; the "
             f"loss is on the look-ups' and the answer's digits, the space before them and the newline after"
             + noise_text(a) + ".",
             f"- Training: {schedule_text(model_id, first)}."]
    commands = phase_commands(model_id, train)
    if len(runs) == 1:
        return lines + [f"- Command: `{commands[0]}`", alike, loss_line(train)]
    for i, t in enumerate(runs[1:], start=1):
        b = t["args"]
        at_once = "" if b.get("ramp", 0.5) or b.get("bare_until", 0) else " from the first step"
        lines.append(f"- Then, from those weights, a {ordinal(i)} phase: {books_text(b)}, {formats_text(b)}{at_once}"
                     + noise_text(b) + f"; {schedule_text(model_id, t, first=False)}.")
    return lines + ["- Commands: " + ", then ".join(f"`{c}`" for c in commands)
                    + f"; {'both' if len(runs) == 2 else 'all'} in one: `python3 training/reproduce.py {model_id}`",
                    alike, loss_line(train)]


# ---------------------------------------------------------------- the ablation family (ABLATIONS.md)

PLAN = os.path.join(ROOT, "training", "ablations.json")
AXES = ("attention-count", "attention-position", "state-size", "seed")  # app/protocol.ts ABLATION_AXES
BASES = ("mamba", "mamba2", "hybrid", "transformer")
ID = re.compile(r"^[A-Za-z0-9._-]+$")


def flag_values(flags, where):
    """train.py flags (["--seed", "1"]) as {setting: value}, typed as train.py's defaults are; only run-defining ones."""
    defining, defaults = train_options()
    if len(flags) % 2 or not all(isinstance(f, str) for f in flags):
        raise ValueError(f"{where}: flags must be pairs of strings, got {flags!r}")
    out = {}
    for flag, value in zip(flags[::2], flags[1::2]):
        key = flag[2:].replace("-", "_")
        if not flag.startswith("--") or key not in defining or key in ("model", "steps", "lr", "init_from"):
            raise ValueError(f"{where}: {flag} is not a setting a variant may change (train.py RUN_DEFINING, "
                             "less the model, steps, learning rate and phases, which are its base's)")
        kind = type(defaults.get(key, ""))
        out[key] = kind(value) if kind in (int, float) else value
    return out


@functools.cache
def ablation_plan():
    """training/ablations.json's variants, checked: folder-name ids, bundled bases, known axes, allowed flags."""
    with open(PLAN) as f:
        variants = json.load(f)["variants"]
    seen = set()
    for v in variants:
        where = f"{PLAN}: {v.get('id')!r}"
        if not isinstance(v.get("id"), str) or not ID.match(v["id"]) or v["id"] in seen or v["id"] in BASES:
            raise ValueError(f"{where}: id must be a new folder name (letters, digits, . _ -)")
        if v.get("base") not in BASES or v.get("axis") not in AXES or not isinstance(v.get("value"), (int, str)):
            raise ValueError(f"{where}: needs base (one of {', '.join(BASES)}), axis (one of {', '.join(AXES)}) and value")
        flag_values(v.get("flags", []), where)
        seen.add(v["id"])
    return tuple(variants)


def variant(variant_id):
    """The plan's variant of that id, or None."""
    return next((v for v in ablation_plan() if v["id"] == variant_id), None)


def variant_train(v, base_train):
    """The runs a variant makes, train.json-shaped: each of its base's phases with the variant's settings, every
    step planned done, in folders named after the variant (<id>, then <id> + the base's later suffixes: <id>_ft)."""
    changed = flag_values(v["flags"], v["id"])
    runs = []
    for t in phases(base_train):
        name = os.path.basename(os.path.normpath(t["args"]["out"]))
        suffix = name[len(v["base"]):] if name.startswith(v["base"]) else f"_{len(runs) + 1}"
        args = {**t["args"], **changed, "model": v["base"], "out": f"{v['id']}{suffix if runs else ''}"}
        runs.append({**{k: x for k, x in t.items() if k != "base"}, "args": args, "steps_done": args["steps"], "calls": []})
    for before, run in zip(runs, runs[1:]):
        run["base"] = before
    return runs[-1]


def variant_layout(v, base_train):
    """The layout a variant trains: its --pattern where it sets one, else its base's."""
    return flag_values(v["flags"], v["id"]).get("pattern") or base_train["layout"]


def variant_commands(v, base_train, runs_dir="training/runs"):
    """The train.py commands of a variant, phase by phase: its base's, with the variant's flags."""
    return phase_commands(v["id"], variant_train(v, base_train), runs_dir)


def variant_outs(v, base_train, runs_dir="training/runs"):
    return phase_outs(v["id"], variant_train(v, base_train), runs_dir)
