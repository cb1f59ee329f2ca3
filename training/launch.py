"""Run several train.py processes side by side on the GPU machine and pack each run for the way back.

    python3 training/launch.py --out $OUT --common "--steps 6000 --deadline 420" \
        hybrid:0 transformer:0 mamba2:1 mamba:1 transformer_lr3e-4:0=--lr,3e-4
    python3 training/launch.py --unpack <files_at>     # here, after the call: packs -> training/runs
    setsid nohup python3 training/launch.py --out /tmp/packs --plan --only a,b --common "--deadline 1500 --save-every 120" \
        > /tmp/launch.log 2>&1 < /dev/null &          # runs that train on between calls while the machine stays warm
    python3 training/launch.py --out $OUT --pack --only a,b   # any later call: their last saved state, for the way back
    python3 training/launch.py --out $OUT --plan --gpus 8 --common "--deadline 540 --eval-deadline 40"
                                                      # ablations.json's variants, each at its next phase
    ... --plan --for 1100 --common "--save-every 120"  # each variant its phases one after another for 1,100 s
    ... --mps                                         # the runs' kernels side by side on a GPU (mps.py)
    kill -USR1 <launch.py's pid>                      # --for: every run saves and stops now; no chain goes on

A run is `name:gpu[=extra,args]`; the model is the name up to its first `_`. Runs live on the machine
in --runs-dir (training/device-runs: ignored by git, and never named in a call's `carry`, so the
machine keeps it, state.pt included, while it stays warm). At the end every run is packed as
<out>/<name>.tar (the device returns at most 8 files of 16 MB: weights are float16, ~7 MB a model);
a run cut by train.py's --deadline is packed with its float16 resume.pt.

Going on in a later call: launch the same runs again. On a warm machine they resume from state.pt
(weights and AdamW moments). On a fresh machine, unpack the packs here first (`--unpack`) and name
`training/runs` in the call's `carry`: a run found there further on than the machine's copy is
copied over it (resume.pt: fresh AdamW moments and a short re-warm-up), never the other way round.
The session that carried `training/runs` into a warm machine's runs folder restarted every new run
from step 0 in each call (RUNS.md, fourth session): hence the two folders.
"""

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

import recipe_text
from mps import start_mps, stop_mps

HERE = os.path.dirname(os.path.abspath(__file__))


def parse(spec):
    head, _, extra = spec.partition("=")
    name, _, gpu = head.partition(":")
    return name, name.split("_")[0], gpu or "0", [a for a in extra.split(",") if a]


def steps_in(folder):
    """How far the run in `folder` got: its model is finished (inf), train.json's steps_done, or 0."""
    if os.path.exists(os.path.join(folder, "model", "config.json")):
        return float("inf")
    try:
        return json.load(open(os.path.join(folder, "train.json"))).get("steps_done", 0)
    except (OSError, ValueError):
        return 0


def shown(steps):
    return "the end" if steps == float("inf") else f"step {steps}"


def take_newer(src, dst):
    """Copy run folder src over dst when src is further on; returns a line saying what happened."""
    have, carried = steps_in(dst), steps_in(src)
    if carried <= have:
        return None
    shutil.rmtree(dst, ignore_errors=True)  # its state.pt, if any, is older than the carried run
    shutil.copytree(src, dst)
    return f"copied from {src} (at {shown(carried)}; the machine had {shown(have)})"


def starting_point(out):
    if os.path.exists(os.path.join(out, "model", "config.json")):
        return "finished already"
    for name in ("state.pt", "resume.pt"):
        if os.path.exists(os.path.join(out, name)):
            return f"resumes at {shown(steps_in(out))} from {name}"
    return "starts at step 0"


def planned(only):
    """ablations.json's variants, or those named in `only` (all of them known)."""
    variants = [v for v in recipe_text.ablation_plan() if not only or v["id"] in only]
    unknown = set(only) - {v["id"] for v in variants}
    if unknown:
        raise SystemExit(f"launch.py --only: {', '.join(sorted(unknown))} not in {recipe_text.PLAN}")
    return variants


def plan_runs(args, only=None, gpu=None):
    """ablations.json's variants (or those of --only) as runs: each at its first phase without a finished model in
    --runs-dir (a later phase starts from the model the one before left there), spread over --gpus (or all on
    `gpu`)."""
    runs = []
    for v in planned(only if only is not None else [i for i in args.only.split(",") if i]):
        with open(os.path.join(recipe_text.ROOT, "assets", "models", v["base"], "train.json")) as f:
            base = json.load(f)
        outs = recipe_text.variant_outs(v, base, args.runs_dir)
        for out in outs if args.carried else ():  # a fresh machine: the finished phases carried in count too
            copied = take_newer(os.path.join(args.carried, os.path.basename(out)), out)
            if copied:
                print(os.path.basename(out), copied, flush=True)
        todo = next((i for i, out in enumerate(outs) if steps_in(out) != float("inf")), None)
        if todo is None:
            print(v["id"], "every phase finished", flush=True)
            continue
        argv = shlex.split(recipe_text.variant_commands(v, base, args.runs_dir)[todo])[2:]
        pairs = dict(zip(argv[::2], argv[1::2]))  # train.py's flags all take a value
        extra = [a for k, x in pairs.items() if k not in ("--model", "--out") for a in (k, x)]
        runs.append((os.path.basename(outs[todo]), pairs["--model"], str(len(runs) % args.gpus if gpu is None else gpu), extra))
    return runs


def start_shared(args):
    """The environment every run shares (MPS's, with --mps where it starts) and whether this launch started it."""
    if not args.mps:
        return {}, False
    env, why, ours = start_mps(args.mps_dir)
    print("mps:", why, flush=True)
    return env or {}, ours


def launch(args):
    runs = plan_runs(args) if args.plan else [parse(s) for s in args.runs]
    workers = args.workers or max(1, (os.cpu_count() or 4) // len(runs) - 1)
    shared, ours = start_shared(args)
    run_set(args, runs, workers, shared)
    if ours:
        stop_mps(args.mps_dir)


def run_set(args, runs, workers, shared, deadline=None):
    """Trains `runs` side by side until each has ended, then packs each into --out; returns their exit codes.
    `deadline` (seconds), where given, comes after --common and so wins over a deadline there."""
    procs = []
    t0 = time.time()
    for name, model, gpu, extra in runs:
        out = os.path.join(args.runs_dir, name)
        os.makedirs(out, exist_ok=True)
        copied = take_newer(os.path.join(args.carried, name), out) if args.carried else None
        cmd = [sys.executable, os.path.join(HERE, "train.py"), "--model", model, "--out", out,
               "--workers", str(workers)] + shlex.split(args.common) + extra
        if deadline is not None:
            cmd += ["--deadline", str(int(deadline))]
        env = dict(os.environ, CUDA_VISIBLE_DEVICES=gpu, PYTHONUNBUFFERED="1", **shared)
        log = open(os.path.join(out, "log.txt"), "a")  # a resumed run goes on in the same log
        print(name, starting_point(out), copied or "", "| gpu", gpu, " ".join(cmd[1:]), flush=True)
        procs.append((name, out, subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        LIVE.add(procs[-1][2])
    while any(p.poll() is None for _, _, p, _ in procs):
        time.sleep(15)
        for name, out, p, _ in procs:
            lines = open(os.path.join(out, "log.txt")).read().splitlines()
            print(f"[{time.time() - t0:5.0f}s] {name}: {lines[-1][:150] if lines else ''}", flush=True)
    for name, out, p, log in procs:
        LIVE.discard(p)
        log.close()
        print(name, "exit", p.returncode, flush=True)
        pack(args.out, name, out)
    return [p.returncode for _, _, p, _ in procs]


STOP = threading.Event()  # set by SIGUSR1 under --for: the chains end once their runs have saved
LIVE = set()  # the train.py processes running now, to pass SIGUSR1 on to


def stop_now(*_):
    """SIGUSR1: every live run saves and stops at its next step (train.py), and no chain starts another."""
    STOP.set()
    for p in list(LIVE):
        p.send_signal(signal.SIGUSR1)


MIN_PHASE_S = 60  # a phase with less time left than this is not started: its start and evaluation would eat it


def chains(args, clock=time.time):
    """--plan --for S: every variant of the plan as its own chain of phases, all chains at once, for S seconds. A
    variant whose phase ends goes straight on to its next, with the time left as that phase's --deadline, instead
    of waiting for the slowest run of a set (one set per phase left the early finishers idle); chain i trains on
    GPU i mod --gpus; all chains share one MPS daemon (--mps)."""
    end = clock() + args.for_seconds
    ids = [v["id"] for v in planned([i for i in args.only.split(",") if i])]
    workers = args.workers or max(1, (os.cpu_count() or 4) // len(ids) - 1)
    shared, ours = start_shared(args)
    STOP.clear()
    before = signal.signal(signal.SIGUSR1, stop_now)

    def chain(i, vid):
        while not STOP.is_set() and end - clock() >= MIN_PHASE_S:
            runs = plan_runs(args, only=[vid], gpu=i % args.gpus)
            if not runs:
                return
            if any(run_set(args, runs, workers, shared, deadline=end - clock())):
                print(vid, "stopped: its run failed (its log.txt says why)", flush=True)
                return  # started again it would fail again, at once, until the end

    threads = [threading.Thread(target=chain, args=(i, vid)) for i, vid in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    signal.signal(signal.SIGUSR1, before)
    if ours:
        stop_mps(args.mps_dir)


def pack(packs, name, folder):
    """<packs>/<name>.tar: the run as it stands, without state.pt (it stays on the machine)."""
    os.makedirs(packs, exist_ok=True)
    with tarfile.open(os.path.join(packs, f"{name}.tar.tmp"), "w") as tar:
        tar.add(folder, arcname=name, filter=lambda t: None if t.name.endswith(("state.pt", ".tmp")) else t)
    os.replace(os.path.join(packs, f"{name}.tar.tmp"), os.path.join(packs, f"{name}.tar"))


def pack_now(args):
    """--pack: every run in --runs-dir (or those of --only, by run name) packed into --out as it stands now,
    for a call that returns while the runs train on (started with setsid; they save every --save-every)."""
    only = [n for n in args.only.split(",") if n]
    names = sorted(n for n in os.listdir(args.runs_dir) if os.path.isdir(os.path.join(args.runs_dir, n))) if os.path.isdir(args.runs_dir) else []
    for name in names:
        if only and not any(name == o or name.startswith(o + "_") for o in only):
            continue
        folder = os.path.join(args.runs_dir, name)
        pack(args.out, name, folder)
        print(name, "packed at", shown(steps_in(folder)), flush=True)


def unpack(packs, into):
    """The packs of one call -> into/<name>/, unless the run there is as far on already."""
    for pack in sorted(os.listdir(packs)):
        if not pack.endswith(".tar"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(os.path.join(packs, pack)) as tar:
                tar.extractall(tmp, filter="data")
            for name in os.listdir(tmp):
                src, dst = os.path.join(tmp, name), os.path.join(into, name)
                have, got = steps_in(dst), steps_in(src)
                if got <= have and os.path.exists(dst):
                    print(f"{name}: kept {dst} (at {shown(have)}; the pack has {shown(got)})")
                    continue
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(src, dst)
                print(f"{name}: {dst} now at {shown(got)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="where the packs go (the device's $OUT)")
    ap.add_argument("--runs-dir", default=os.path.join(HERE, "device-runs"),
                    help="the runs on the machine (never carried; kept while the machine is warm)")
    ap.add_argument("--carried", default=os.path.join(HERE, "runs"),
                    help="unpacked earlier runs, carried in: used where further on than --runs-dir")
    ap.add_argument("--unpack", metavar="PACKS", help="here: unpack a call's packs into --carried, then exit")
    ap.add_argument("--common", default="")
    ap.add_argument("--workers", type=int, default=0, help="data workers a run (0: share the CPUs)")
    ap.add_argument("--plan", action="store_true", help=f"run {os.path.basename(recipe_text.PLAN)}'s variants, each at its "
                    "next unfinished phase (instead of naming runs)")
    ap.add_argument("--only", default="", help="with --plan: these variant ids only (comma-separated)")
    ap.add_argument("--for", dest="for_seconds", type=float, default=0, help="with --plan: each variant as its own chain of "
                    "phases for this many seconds (chains: a phase that ends is followed at once by the next)")
    ap.add_argument("--gpus", type=int, default=1, help="with --plan: spread the runs over this many GPUs")
    ap.add_argument("--pack", action="store_true", help="pack the runs as they stand into --out and exit (runs left training "
                    "in the background: each later call brings their last saved state back)")
    ap.add_argument("--mps", action="store_true", help="run the runs' kernels side by side through CUDA's Multi-Process "
                    "Service (mps.py); without it where it does not start")
    ap.add_argument("--mps-dir", default="/tmp/hybridscope-mps", help="the daemon's pipe and log folders (a short path: "
                    "it holds a socket)")
    ap.add_argument("runs", nargs="*")
    args = ap.parse_args()
    if not args.unpack and args.carried != ap.get_default("carried") and not os.path.isdir(args.carried):
        # a carried folder that did not arrive would restart every carried run from its first step
        ap.error(f"--carried {args.carried}: no such folder (was it named in the call's carry?)")
    if args.unpack:
        unpack(args.unpack, args.carried)
    elif args.out and args.pack:
        pack_now(args)
    elif args.out and args.plan and args.for_seconds:
        chains(args)
    elif args.out and args.plan:
        launch(args)
    elif args.out and args.runs:
        launch(args)
    else:
        ap.error("give --out and runs (or --plan), or --unpack PACKS")


if __name__ == "__main__":
    main()
