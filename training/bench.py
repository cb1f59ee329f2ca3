"""GPU checks before training: fast scans vs transformers' torch paths, and step timings.

    python3 training/bench.py --out bench.json                       # checks + timings
    python3 training/bench.py --out mq.json --parts none --mqar mamba2:0.001 --seconds 150

1. For each Mamba mixer kind, the fast forward (fast_mixers.py) against the mixer's own forward in
   transformers 5.17 (its PyTorch reference path) on the same random input, float64 weights:
   max abs and relative difference of outputs and of input / A_log gradients.
2. One training step (bf16 autocast, AdamW) of each bundled architecture at batch 32 and a few
   sequence lengths: seconds per step and peak memory.
3. Optional: MQAR sanity check of the pure SSM stacks (the team's training notes, recipe 0).
"""

import argparse
import json
import os
import time
import types

import torch
import torch.nn.functional as F

import fast_mixers
import models


def rel(a, b):
    return float((a - b).norm() / (b.norm() + 1e-30))


def dump_sources(out_dir):
    """transformers 5.17's mixer code, kept next to the results (the fast mixers must follow it)."""
    import inspect
    import transformers.models.mamba.modeling_mamba as m1
    import transformers.models.mamba2.modeling_mamba2 as m2
    import transformers.models.nemotron_h.modeling_nemotron_h as nh
    with open(f"{out_dir}/mixer_sources.txt", "w") as f:
        for mod, cls in ((nh, "NemotronHMamba2Mixer"), (m2, "Mamba2Mixer"), (m1, "MambaMixer")):
            f.write(f"##### {mod.__name__}.{cls}\n{inspect.getsource(getattr(mod, cls))}\n")
            for name, fn in vars(mod).items():
                if callable(fn) and "scan" in name.lower() and inspect.isfunction(fn):
                    try:
                        f.write(f"##### {mod.__name__}.{name}\n{inspect.getsource(fn)}\n")
                    except (OSError, TypeError):
                        pass


def check_mixers(report):
    torch.manual_seed(0)
    dev = "cuda"
    default_scan = fast_mixers.MAMBA1_SCAN  # the variants below set it; put back for the timings
    for model_id in ("hybrid", "mamba2", "mamba"):
        model = models.build(model_id, 64, attn="eager").to(dev).double()
        models.mimetic_init(model)  # any non-default values will do; this is the init we may use
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.endswith("A_log"):
                    p.copy_(torch.log(torch.rand_like(p) * 6 + 0.5))
                elif name.endswith("dt_bias") or name.endswith("dt_proj.bias"):
                    p.copy_(torch.randn_like(p) - 3)
                elif name.endswith(".D") or ("norm" in name and p.ndim == 1):
                    p.copy_(1 + 0.3 * torch.randn_like(p))
        mixer = next(m for m in model.modules() if type(m).__name__.endswith("Mixer"))
        variants = {"transformers": (mixer.forward, None, False)}
        if model_id == "mamba":
            for scan in ("chunked", "triton", "fused"):
                variants[scan] = (types.MethodType(fast_mixers.mamba1_forward, mixer), scan, False)
            variants["triton_train"] = (types.MethodType(fast_mixers.mamba1_forward, mixer), "triton", True)
        else:
            variants["fast"] = (types.MethodType(fast_mixers.mamba2_forward, mixer), None, False)
        for T in (300, 77):
            x0 = torch.randn(2, T, models.D_MODEL, device=dev, dtype=torch.float64)
            outs = {}
            for key, (fn, scan, train) in variants.items():
                if scan:
                    fast_mixers.MAMBA1_SCAN = scan
                mixer.train(train)
                mixer.zero_grad()
                x = x0.clone().requires_grad_(True)
                y = fn(x)
                w = torch.cos(torch.arange(y.numel(), device=dev).view_as(y) * 0.01)
                (y * w).sum().backward()
                outs[key] = (y.detach(), {"x": x.grad.clone(), "A_log": mixer.A_log.grad.clone()})
            ys, gs = outs["transformers"]
            for key in outs:
                if key == "transformers":
                    continue
                yf, gf = outs[key]
                r = {"variant": key, "T": T, "out_max_abs": float((ys - yf).abs().max()), "out_rel": rel(yf, ys)}
                for k in gs:
                    r[f"grad_{k}_rel"] = rel(gf[k], gs[k])
                report.setdefault("mixer_checks", {}).setdefault(model_id, []).append(r)
                print(model_id, r, flush=True)
    fast_mixers.MAMBA1_SCAN = default_scan


def time_steps(report, vocab=512):
    dev = "cuda"
    for T in (512, 1024):
        for model_id in ("mamba", "mamba2", "hybrid", "transformer"):
            try:
                time_one(report, model_id, T, vocab, dev)
            except Exception as e:
                report.setdefault("errors", []).append(f"time {model_id} {T}: {e}")
                print("time", model_id, T, e, flush=True)


def time_one(report, model_id, T, vocab, dev):
    torch.manual_seed(0)
    model = models.build(model_id, vocab).to(dev)
    n_fast = fast_mixers.use_fast_mixers(model)
    opt = torch.optim.AdamW(models.param_groups(model, 0.1), lr=1e-3, fused=True)
    ids = torch.randint(0, vocab, (32, T), device=dev)
    torch.cuda.reset_peak_memory_stats()

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(ids, use_cache=False).logits
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, vocab).float(), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(3):
        step()
    torch.cuda.synchronize()
    t0 = time.time()
    for _ in range(8):
        step()
    torch.cuda.synchronize()
    r = {"model": model_id, "T": T, "batch": 32, "s_per_step": (time.time() - t0) / 8,
         "peak_GB": torch.cuda.max_memory_allocated() / 1e9, "params": models.count_params(model),
         "fast_mixers": n_fast}
    report.setdefault("timings", []).append(r)
    print(r, flush=True)
    del model, opt


def mqar_batch(n, pairs, nkeys, dev):
    """keys 1..nkeys, values nkeys+1..2nkeys; k1 v1 .. kP vP then every key queried again, shuffled."""
    keys = torch.stack([torch.randperm(nkeys, device=dev)[:pairs] + 1 for _ in range(n)])
    vals = torch.randint(nkeys + 1, 2 * nkeys + 1, (n, pairs), device=dev)
    order = torch.stack([torch.randperm(pairs, device=dev) for _ in range(n)])
    qk, qv = keys.gather(1, order), vals.gather(1, order)
    ctx = torch.stack([keys, vals], 2).view(n, -1)
    qry = torch.stack([qk, qv], 2).view(n, -1)
    ids = torch.cat([ctx, qry], 1)
    target = torch.full_like(ids, -100)
    target[:, 2 * pairs:-1:2] = ids[:, 2 * pairs + 1::2]  # predict each queried value from its key
    return ids, target


def mqar(report, model_id, lr, seconds):
    dev = "cuda"
    nkeys, pairs, vocab = 64, 8, 2 * 64 + 1
    torch.manual_seed(0)
    model = models.build(model_id, vocab).to(dev)
    fast_mixers.use_fast_mixers(model)
    models.mimetic_init(model)
    opt = torch.optim.AdamW(models.param_groups(model, 0.1), lr=lr, fused=True)
    t0, step, curve = time.time(), 0, []
    while time.time() - t0 < seconds:
        ids, tgt = mqar_batch(64, pairs, nkeys, dev)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(ids, use_cache=False).logits.float()
        loss = F.cross_entropy(logits.reshape(-1, vocab), tgt.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        if step % 100 == 0:
            m = tgt != -100
            acc = float((logits.argmax(-1)[m] == tgt[m]).float().mean())
            curve.append((step, round(float(loss), 3), round(acc, 3)))
    r = {"model": model_id, "lr": lr, "steps": step, "seconds": seconds, "curve": curve}
    report.setdefault("mqar", []).append(r)
    print(r, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--parts", default="check,time")
    ap.add_argument("--mqar", default="", help="model:lr, e.g. mamba2:0.003")
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    report = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    parts = []
    if "check" in args.parts:
        try:
            dump_sources(os.path.dirname(args.out))
        except Exception as e:
            report.setdefault("errors", []).append(f"dump_sources: {e}")
        parts.append(check_mixers)
    if "time" in args.parts:
        parts.append(time_steps)
    if args.mqar:
        model_id, lr = args.mqar.split(":")
        parts.append(lambda r: mqar(r, model_id, float(lr), args.seconds))
    for part in parts:
        try:
            part(report)
        except Exception as e:
            import traceback
            traceback.print_exc()
            report.setdefault("errors", []).append(f"{getattr(part, '__name__', 'mqar')}: {e}")
        json.dump(report, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()
