"""CUDA's Multi-Process Service for launch.py --mps: runs sharing one GPU run their kernels at once.

Without it the GPU time-slices between processes: two of our ~3.5 M-parameter runs kept it "100 % busy"
(nvidia-smi) while each used a sliver of its SMs, and four ran no faster in total than two (RUNS.md).
With MPS their kernels share the SMs. The arithmetic of each run is unchanged (same kernels, same order
within a process), so a run is still trained alike.

Started only where it works: the daemon must start and a CUDA probe must succeed through it; otherwise
launch.py goes on without it and says so in one line.
"""

import os
import shutil
import subprocess
import sys

CONTROL = "nvidia-cuda-mps-control"
PROBE = "import torch; torch.zeros(1, device='cuda').add_(1); torch.cuda.synchronize()"


def mps_env(folder):
    """The environment variables that send a process's CUDA work through the daemon in `folder`."""
    return {"CUDA_MPS_PIPE_DIRECTORY": os.path.join(folder, "pipe"), "CUDA_MPS_LOG_DIRECTORY": os.path.join(folder, "log")}


def start_mps(folder, which=shutil.which, run=subprocess.run):
    """Starts the daemon (or finds it running) under `folder`; returns the environment for the runs (or None), why
    (or "on"), and whether this call started it: only the launch that started a daemon stops it, so launches
    that share one (each variant's phases in its own chain) do not cut each other off."""
    if which(CONTROL) is None:
        return None, f"{CONTROL} not found", False
    env = mps_env(folder)
    for d in env.values():
        os.makedirs(d, exist_ok=True)
    full = dict(os.environ, **env)
    ours = not os.path.exists(os.path.join(env["CUDA_MPS_PIPE_DIRECTORY"], "control"))
    if ours:
        started = run([CONTROL, "-d"], env=full, capture_output=True, text=True, timeout=30)
        if started.returncode != 0:
            return None, f"{CONTROL} -d: {(started.stderr or started.stdout).strip()[:200]}", False
    probe = run([sys.executable, "-c", PROBE], env=full, capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        if ours:
            stop_mps(folder, run)
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"a CUDA probe through it failed: {last[:200]}", False
    return env, "on" if ours else "on (a daemon already running)", ours


def stop_mps(folder, run=subprocess.run):
    """Asks the daemon under `folder` to quit (its clients have exited)."""
    try:
        run([CONTROL], input="quit\n", env=dict(os.environ, **mps_env(folder)), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pass
