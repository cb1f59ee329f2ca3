"""Run several train.py processes side by side on the GPU machine and pack each run for the way back.

    python3 training/launch.py --out $OUT --common "--steps 6000 --deadline 420" \
        hybrid:0 transformer:0 mamba2:1 mamba:1 transformer_lr3e-4:0=--lr,3e-4

A run is `name:gpu[=extra,args]`; the model is the name up to its first `_`. Each run writes
training/runs/<name>/ (model/, train.json, log.txt); at the end every run is packed as <out>/<name>.tar
(the device returns at most 8 files of 16 MB: weights are float16, ~7 MB a model). A run cut by
train.py's --deadline is packed with its resume.pt; launching the same runs again resumes them:
from state.pt when the next call finds the machine still warm (calls within its idle release), else
from resume.pt — unpack the tars into training/runs/ here and name `training/runs` in the call's
`carry` (ignored paths travel only that way).
"""

import argparse
import os
import shlex
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse(spec):
    head, _, extra = spec.partition("=")
    name, _, gpu = head.partition(":")
    return name, name.split("_")[0], gpu or "0", [a for a in extra.split(",") if a]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs-dir", default="training/runs", help="ignored by git; the device machine keeps it while warm")
    ap.add_argument("--common", default="")
    ap.add_argument("--workers", type=int, default=0, help="data workers a run (0: share the CPUs)")
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    runs = [parse(s) for s in args.runs]
    workers = args.workers or max(1, (os.cpu_count() or 4) // len(runs) - 1)
    procs = []
    t0 = time.time()
    for name, model, gpu, extra in runs:
        out = os.path.join(args.runs_dir, name)
        os.makedirs(out, exist_ok=True)
        cmd = [sys.executable, os.path.join(HERE, "train.py"), "--model", model, "--out", out,
               "--workers", str(workers)] + shlex.split(args.common) + extra
        env = dict(os.environ, CUDA_VISIBLE_DEVICES=gpu, PYTHONUNBUFFERED="1")
        log = open(os.path.join(out, "log.txt"), "a")  # a resumed run goes on in the same log
        print(name, "gpu", gpu, " ".join(cmd[1:]), flush=True)
        procs.append((name, out, subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    while any(p.poll() is None for _, _, p, _ in procs):
        time.sleep(15)
        for name, out, p, _ in procs:
            lines = open(os.path.join(out, "log.txt")).read().splitlines()
            print(f"[{time.time() - t0:5.0f}s] {name}: {lines[-1][:150] if lines else ''}", flush=True)
    os.makedirs(args.out, exist_ok=True)
    for name, out, p, log in procs:
        log.close()
        print(name, "exit", p.returncode, flush=True)
        with tarfile.open(os.path.join(args.out, f"{name}.tar"), "w") as tar:  # state.pt stays here
            tar.add(out, arcname=name, filter=lambda t: None if t.name.endswith(("state.pt", ".tmp")) else t)


if __name__ == "__main__":
    main()
