"""GPU check of the fused Mamba-1 scan (selective_scan.py) before fast_mixers uses it by default.

    python3 training/check_selective_scan.py --out $OUT/scan.json

1. Accuracy: on random inputs with training's magnitudes, y, the final state and the gradients of
   u, dt, A, B, C from selective_scan_fused against scans.selective_scan_chunked in float32 and in
   float64 (relative error, Frobenius norm). Exits non-zero if any is above 1e-4. On the first
   shape the kernels are also compared with their numpy twin (check_scan_math.py) and with a loss
   on y alone (the final state gets no gradient, as in training).
2. Speed: forward + backward (gradients of all five inputs, from y only) of fused,
   linear_scan.selective_scan_triton and chunked; median of --reps after --warmup, peak memory.
3. Sweep: the same timing for a few (chunk, block_d, num_warps) of the fused kernels, to pick
   selective_scan's CHUNK / BLOCK_D / NUM_WARPS.
Without a GPU it runs on the CPU under TRITON_INTERPRET=1 on tiny shapes given by the flags
(a dry run of this script, not a measurement).
"""

import argparse
import functools
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import triton

import check_scan_math
import scans
import selective_scan
from selective_scan import selective_scan_fused

try:
    from linear_scan import selective_scan_triton
except ImportError:
    selective_scan_triton = None

BOUND = 1e-4
NAMES = ("y", "final", "du", "ddt", "dA", "dB", "dC")


def random_inputs(b, T, D, n, dev, seed):
    """dt = softplus(N(-3, 1)), A = -(log-spaced 1e-3..1, shuffled over (D, n)), u, B, C ~ N(0, 1)."""
    g = torch.Generator().manual_seed(seed)
    u = torch.randn(b, T, D, generator=g)
    dt = F.softplus(torch.randn(b, T, D, generator=g) - 3)
    A = -torch.logspace(-3, 0, D * n)[torch.randperm(D * n, generator=g)].view(D, n)
    B, C = torch.randn(b, T, n, generator=g), torch.randn(b, T, n, generator=g)
    return [x.to(dev) for x in (u, dt, A, B, C)]


def outputs_and_grads(fn, xs, wy, wf):
    """y, final and the gradients of L = sum(y * wy) + sum(final * wf) (wf None: y alone)."""
    xs = [x.detach().clone().requires_grad_(True) for x in xs]
    y, final = fn(*xs)
    loss = (y * wy).sum() + (0 if wf is None else (final * wf).sum())
    return [y.detach(), final.detach()] + list(torch.autograd.grad(loss, xs))


def rel(a, b):
    a, b = a.double().cpu(), b.double().cpu()  # the numpy twin's results are on the CPU
    return float((a - b).norm() / (b.norm() + 1e-300))


def rels(got, want):
    return {k: rel(a, b) for k, a, b in zip(NAMES, got, want)}


def chunked(*xs):
    return scans.selective_scan_chunked(*xs, chunk=32)


def check_shape(shape, dev, first):
    b, T, D, n = shape
    xs = random_inputs(b, T, D, n, dev, seed=T)
    wy, wf = torch.randn(b, T, D, device=dev), torch.randn(b, D, n, device=dev)
    r = {"shape": list(shape)}
    fused = outputs_and_grads(selective_scan_fused, xs, wy, wf)
    ref32 = outputs_and_grads(chunked, xs, wy, wf)
    r["fused_vs_chunked_f32"] = rels(fused, ref32)
    del ref32
    ref64 = outputs_and_grads(chunked, [x.double() for x in xs], wy.double(), wf.double())
    r["fused_vs_chunked_f64"] = rels(fused, ref64)
    ref32 = outputs_and_grads(chunked, xs, wy, wf)
    r["chunked_f32_vs_f64"] = rels(ref32, ref64)  # what float32 itself costs, for scale
    del ref32, ref64
    if first:
        npx = [x.double().cpu().numpy() for x in xs]
        y, final, hs = check_scan_math.selective_scan_fused_reference(*npx, selective_scan.CHUNK)
        g = check_scan_math.selective_scan_fused_reference_backward(
            *npx, hs, wy.double().cpu().numpy(), wf.double().cpu().numpy(), selective_scan.CHUNK)
        r["fused_vs_numpy_twin"] = rels(fused, [torch.from_numpy(a) for a in (y, final) + g])
        yonly = outputs_and_grads(selective_scan_fused, xs, wy, None)
        ref = outputs_and_grads(chunked, [x.double() for x in xs], wy.double(), None)
        r["fused_vs_chunked_f64_y_only"] = rels(yonly, ref)
    r["worst"] = max(max(r[k].values()) for k in ("fused_vs_chunked_f32", "fused_vs_chunked_f64"))
    return r


def sync(dev):
    if dev == "cuda":
        torch.cuda.synchronize()


def time_fwd_bwd(fn, xs, dev, reps, warmup):
    """Median ms of forward + backward (all five input gradients, from y only) and peak GB."""
    xs = [x.detach().clone().requires_grad_(True) for x in xs]
    dy = torch.randn_like(xs[0])

    def step():
        y, _ = fn(*xs)
        torch.autograd.grad(y, xs, dy)

    for _ in range(warmup):
        step()
    sync(dev)
    if dev == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        sync(dev)
        times.append(time.perf_counter() - t0)
    peak = torch.cuda.max_memory_allocated() / 1e9 if dev == "cuda" else None
    return {"ms": 1e3 * statistics.median(times), "peak_GB": peak}


def timings(shape, dev, reps, warmup, report):
    xs = random_inputs(*shape, dev, seed=0)
    methods = {"fused": selective_scan_fused, "triton": selective_scan_triton, "chunked": chunked}
    r = {"shape": list(shape)}
    for name, fn in methods.items():
        if fn is None:
            continue
        try:
            r[name] = time_fwd_bwd(fn, xs, dev, reps, warmup)
        except Exception as e:  # e.g. out of memory: the other methods still get timed
            report["errors"].append(f"time {name} {shape}: {e!r}")
        if dev == "cuda":
            torch.cuda.empty_cache()
    for name in ("triton", "chunked"):
        if "fused" in r and name in r:
            r[f"speedup_vs_{name}"] = r[name]["ms"] / r["fused"]["ms"]
    print(json.dumps(r), flush=True)
    return r


def sweep(shape, dev, reps, warmup, configs, report):
    xs = random_inputs(*shape, dev, seed=0)
    rows = []
    for chunk, block_d, num_warps in configs:
        row = {"chunk": chunk, "block_d": block_d, "num_warps": num_warps}
        try:
            fn = functools.partial(selective_scan_fused, chunk=chunk, block_d=block_d, num_warps=num_warps)
            row.update(time_fwd_bwd(fn, xs, dev, reps, warmup))
        except Exception as e:
            row["error"] = repr(e)
        rows.append(row)
        print(json.dumps(row), flush=True)
    timed = [row for row in rows if "ms" in row]
    if timed:
        report["best_config"] = min(timed, key=lambda row: row["ms"])
    return rows


def parse_shapes(text):
    return [tuple(int(v) for v in s.split("x")) for s in text.split(",") if s]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--check-shapes", default="2x77x512x16,4x300x512x16,32x1024x512x16,3x45x200x12")
    ap.add_argument("--time-shapes", default="32x512x512x16,32x1024x512x16")
    ap.add_argument("--sweep", default="64x16x1,64x8x1,64x32x1,64x32x2,64x32x4,64x64x4,32x16x1,128x16x1",
                    help="chunk x block_d x num_warps for the fused kernels, timed at the last time shape")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    report = {"device": torch.cuda.get_device_name(0) if dev == "cuda" else "cpu (TRITON_INTERPRET dry run)",
              "torch": torch.__version__, "triton": triton.__version__, "bound": BOUND,
              "config": {"chunk": selective_scan.CHUNK, "block_d": selective_scan.BLOCK_D,
                         "num_warps": selective_scan.NUM_WARPS},
              "accuracy": [], "timing": [], "sweep": [], "errors": []}
    ok = True

    def save():
        report["pass"] = ok
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)

    for i, shape in enumerate(parse_shapes(args.check_shapes)):
        try:
            r = check_shape(shape, dev, first=i == 0)
            ok = ok and r["worst"] <= BOUND
        except Exception as e:
            r = {"shape": list(shape), "error": repr(e)}
            ok = False
        report["accuracy"].append(r)
        print(json.dumps(r), flush=True)
        if dev == "cuda":
            torch.cuda.empty_cache()
        save()
    for shape in parse_shapes(args.time_shapes):
        report["timing"].append(timings(shape, dev, args.reps, args.warmup, report))
        save()
    if args.sweep and args.time_shapes:
        shape = parse_shapes(args.time_shapes)[-1]
        report["sweep"] = sweep(shape, dev, args.reps, args.warmup, parse_shapes(args.sweep), report)
    save()
    print(f"accuracy {'pass' if ok else 'FAIL'} (every relative error <= {BOUND:g}); report in {args.out}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
