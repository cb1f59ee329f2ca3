"""Train one phase of a bundled model on phonebooks; every model runs this recipe, with its own learning rate.

    python3 training/train.py --model hybrid --out training/runs/hybrid --lr 3e-4 --state 16 --steps 12000 [--seed 0]

Recipe (RUNS.md says why): batch 32, AdamW (0.9, 0.95), 100 warm-up steps and cosine decay to 10 %,
weight decay 0.1 on matrices only (none on A_log, dt_bias, D, norms, biases, embeddings), clip 1.0,
bf16 autocast, mimetic init of every Mamba layer, a curriculum on book size (cap 4 -> 32 entries over
the first half), bare books only for the first 30 % of the steps, then both formats, 25 % reversed,
dense supervision (up to 16 look-ups per book, each supervised, plus the target answer).
The shipped models are two runs each: 12,000 steps at hybrid 3e-4, mamba2 and mamba 1e-3, transformer
2e-4 (mamba2 and hybrid with --state 16), then 3,600 steps from those weights (--init-from) with
--digit-noise 0.25 --bare-until 0 --ramp 0 at 0.3 x that learning rate. Each model card gives both
commands; `python3 training/reproduce.py <id>` runs them in order.
Writes <out>/model (save_pretrained, float16, + tokenizer.json) and <out>/train.json (curves, evals).

Resuming (a device call lasts at most 10 minutes): a run stopped by --deadline before its last step
leaves <out>/state.pt (weights, AdamW moments, step; stays on the machine) and <out>/resume.pt
(float16 weights and step: small enough to travel back). Running the same command again continues
from state.pt when the machine kept it, else from resume.pt with fresh AdamW moments and a 50-step
re-warm-up of the learning rate; batches are a function of (seed, step), so the data stream goes on
where it stopped either way.
"""

import argparse
import json
import math
import os
import shutil
import signal
import time

import torch
import torch.nn.functional as F

import data
import evaluate
import fast_mixers
import models

EVAL_ENTRIES = [4, 8, 16, 24, 32, 48, 64]
EVAL_SEED = 1_000_000  # `hybridscope phonebook --seed 1000000` draws the same prompts (sample k: sample_seed)
# what a resumed run must share with the run it continues (deadlines, workers and evaluation may differ)
RUN_DEFINING = ("model", "steps", "batch", "lr", "seed", "max_entries", "mimetic", "state", "heads", "kv_heads",
                "init_std", "rope_theta", "layers", "mlp", "formats", "max_shots", "lm_weight", "bare_until", "ramp",
                "digit_noise", "digit_noise_from", "init_from", "pattern", "tie_embeddings")


def lr_at(step, steps, lr, warmup=100, floor=0.1):
    if step < warmup:
        return lr * (step + 1) / warmup
    f = (step - warmup) / max(1, steps - warmup)
    return lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, f))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=list(models.CLASSES))
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-entries", type=int, default=32, help="the training length: largest book")
    ap.add_argument("--mimetic", type=int, default=1)
    ap.add_argument("--state", type=int, default=0, help="SSM state size (0: models.py's default)")
    ap.add_argument("--heads", type=int, default=0, help="attention query heads (0: models.py's default)")
    ap.add_argument("--kv-heads", type=int, default=0, help="attention KV heads (0: models.py's default)")
    ap.add_argument("--init-std", type=float, default=0.0, help="std of the normal inits (0: transformers' 0.02)")
    ap.add_argument("--rope-theta", type=float, default=0.0, help="RoPE base of the Transformer (0: 10000)")
    ap.add_argument("--layers", type=int, default=0, help="the Transformer's attention blocks (0: models.py's default)")
    ap.add_argument("--mlp", type=int, default=0, help="the Transformer's SwiGLU width (0: models.py's default)")
    ap.add_argument("--pattern", default="", help="the hybrid's blocks, e.g. M-MMM-M- (empty: models.py's M-M*M-M-)")
    ap.add_argument("--tie-embeddings", type=int, default=0, help="1: the head shares the embedding's weights")
    ap.add_argument("--formats", default="bare,question", help="training formats, e.g. bare")
    ap.add_argument("--max-shots", type=int, default=16, help="most supervised look-ups per book")
    ap.add_argument("--lm-weight", type=float, default=0.0,
                    help="weight of a next-token loss on every token (besides the supervised answers)")
    ap.add_argument("--init-from", default="",
                    help="start from this model folder's weights: a second phase (its run's train.json is kept as the base)")
    ap.add_argument("--digit-noise", type=float, default=0.0,
                    help="chance that an answer digit fed back as input is another digit (targets stay true)")
    ap.add_argument("--digit-noise-from", type=float, default=0.0, help="share of the steps before --digit-noise starts")
    ap.add_argument("--bare-until", type=float, default=0.3, help="share of steps with bare books only")
    ap.add_argument("--ramp", type=float, default=0.5,
                    help="share of steps over which the book cap grows from 4 entries to --max-entries")
    ap.add_argument("--deadline", type=float, default=1e9, help="stop training after this many seconds")
    ap.add_argument("--save-every", type=float, default=0,
                    help="also save for resuming every this many seconds (0: only at the deadline); for runs left "
                         "training between calls, whose machine may be taken back")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="stop after this many steps, the schedule still planned for --steps (a run cut short on purpose)")
    ap.add_argument("--eval-deadline", type=float, default=1e9, help="stop evaluating after this many seconds")
    ap.add_argument("--eval-samples", type=int, default=100)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args()
    t_start = time.time()
    # SIGUSR1 (launch.py passes it on): stop at the next step as at the deadline, saved for resuming
    stop = []
    signal.signal(signal.SIGUSR1, lambda *_: stop.append(True))
    dev = "cuda" if torch.cuda.is_available() else "cpu"  # cpu: float32, slow; for checks of a recipe's first steps
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    tok = data.load_tokenizer()
    vocab = tok.get_vocab_size()
    try:
        model = models.build(args.model, vocab, models.overrides_from(vars(args)), eos=tok.token_to_id("\n"))
    except ValueError as e:  # a settings mistake (a pattern with other letters): one line, no traceback
        raise SystemExit(f"train.py: {e}")
    if args.mimetic:
        models.mimetic_init(model)
    # a run that resumes gets its own weights from its resume file, so a second phase going on needs only the
    # first phase's train.json beside it, not its weights (a call can then carry the finished first phases slim)
    resuming = resume_file(args.out) is not None
    if args.init_from and not resuming:
        model.load_state_dict(models.load_weights(model, args.init_from))
    model.to(dev)
    fast_mixers.use_fast_mixers(model)
    opt = torch.optim.AdamW(models.param_groups(model, 0.1), lr=args.lr, betas=(0.9, 0.95), fused=dev == "cuda")
    cur = data.Curriculum(args.steps, max_entries=args.max_entries, max_shots=args.max_shots,
                          formats=args.formats.split(","), bare_until=args.bare_until, ramp=args.ramp,
                          digit_noise=args.digit_noise, digit_noise_from=args.digit_noise_from)
    tf_sets = evaluate.teacher_forced_set(tok, [4, 16, args.max_entries], 16, EVAL_SEED)
    log = {"args": vars(args), "model": args.model, "architecture": models.CLASSES[args.model],
           "layout": models.layout_of(model.config), "parameters": models.count_params(model),
           "vocab_size": vocab, "curve": [], "device": torch.cuda.get_device_name(0) if dev == "cuda" else "cpu", "calls": []}
    if args.init_from:  # the run these weights come from: a model card tells both
        log["base"] = base_run(args.init_from)
    step, tokens, seconds_before, rewarm_from = 0, 0, 0.0, None
    if os.path.exists(os.path.join(args.out, "model", "config.json")):  # before any resume file left beside it
        print(args.model, "finished already:", os.path.join(args.out, "model"), flush=True)
        return
    resumed = resume(args.out, model, opt, dev)
    if resumed:
        step, tokens, seconds_before, log = resumed["step"], resumed["tokens"], resumed["seconds"], resumed["log"]
        saved = {k: log["args"].get(k, ap.get_default(k)) for k in RUN_DEFINING}  # older runs lack newer options
        changed = {k: (saved[k], getattr(args, k)) for k in RUN_DEFINING if saved[k] != getattr(args, k)}
        if changed:
            raise SystemExit(f"{args.model}: {args.out} holds a run with other settings (saved, given): {changed}")
        log["args"] = vars(args)
        rewarm_from = resumed["rewarm_from"] if resumed["optimizer"] else step
        print(args.model, "resumed at step", step, "from", resumed["file"], flush=True)
    log["calls"].append({"from_step": step, "resumed_from": resumed["file"] if resumed else None,
                         **({"mps": True} if os.environ.get("CUDA_MPS_PIPE_DIRECTORY") else {})})  # launch.py --mps
    print(args.model, "params", log["parameters"], flush=True)

    def checkpoint():
        log["steps_done"], log["tokens"] = step, tokens
        log["train_seconds"] = round(seconds_before + time.time() - t_start, 1)
        log["calls"][-1].update(to_step=step, seconds=round(time.time() - t_start, 1))
        save_resume(args.out, model, opt, step, tokens, log["train_seconds"], log, rewarm_from)
        json.dump(log, open(os.path.join(args.out, "train.json"), "w"), indent=1)

    run_loss = []
    last_save = time.time()
    model.train()
    for ids, labels in data.loader(cur, args.seed, args.batch, args.steps, args.workers, start=step):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr)
            if rewarm_from is not None:  # fresh AdamW moments after a resume from resume.pt
                g["lr"] *= min(1.0, (step - rewarm_from + 1) / 50)
        ids, labels = ids.to(dev, non_blocking=True), labels.to(dev, non_blocking=True)
        with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
            logits = model(ids, use_cache=False).logits
        loss = F.cross_entropy(logits.float().view(-1, vocab), labels.view(-1), ignore_index=data.IGNORE)
        if args.lm_weight:  # every next token of the text ([PAD] = 0 only pads)
            nxt = ids[:, 1:].masked_fill(ids[:, 1:] == 0, data.IGNORE)
            lm = F.cross_entropy(logits[:, :-1].float().reshape(-1, vocab), nxt.reshape(-1), ignore_index=data.IGNORE)
            loss = loss + args.lm_weight * lm
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        tokens += ids.numel()
        run_loss.append(float(loss) if step % 10 == 0 else None)
        if step % args.eval_every == 0 or step == args.steps:
            losses = [x for x in run_loss if x is not None]
            point = {"step": step, "loss": round(sum(losses) / max(1, len(losses)), 4), "cap": cur.cap(step),
                     "seconds": round(seconds_before + time.time() - t_start, 1),
                     "tf_exact": evaluate.teacher_forced(model, tf_sets, dev)}
            run_loss = []
            log["curve"].append(point)
            print(args.model, point, flush=True)
        if args.stop_at and step >= args.stop_at:
            break
        if time.time() - t_start > args.deadline or stop:
            print(args.model, "stopped (SIGUSR1)" if stop else "deadline reached", "at step", step, flush=True)
            break
        if args.save_every and time.time() - last_save > args.save_every and step < (args.stop_at or args.steps):
            checkpoint()
            last_save = time.time()
            print(args.model, "saved for resuming at step", step, flush=True)
    log["steps_done"], log["tokens"] = step, tokens
    log["train_seconds"] = round(seconds_before + time.time() - t_start, 1)
    log["calls"][-1].update(to_step=step, seconds=round(time.time() - t_start, 1))
    if step < (args.stop_at or args.steps):  # cut by the deadline: keep everything to go on next call
        checkpoint()
        print(args.model, "saved for resuming at step", step, flush=True)
        return
    # shipped in float16 (half the bytes; the engine computes in float32): round first, so that the
    # PyTorch evaluation below runs on exactly the weights that are saved
    model.eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    folder = os.path.join(args.out, "model")
    model.half().save_pretrained(folder)
    model.float()
    shutil.copy(data.TOKENIZER, os.path.join(folder, "tokenizer.json"))
    json.dump(log, open(os.path.join(args.out, "train.json"), "w"), indent=1)
    for name in RESUME_FILES:  # finished and saved: the model replaces them
        if os.path.exists(os.path.join(args.out, name)):
            os.remove(os.path.join(args.out, name))
    t0 = time.time()
    log["eval"] = []
    for point in evaluate.plan(EVAL_ENTRIES, args.max_entries):
        if time.time() - t0 > args.eval_deadline:
            print(args.model, "eval deadline reached", flush=True)
            break
        r = evaluate.accuracy(model, tok, *point, args.eval_samples, EVAL_SEED, dev)
        log["eval"].append(r)
        print(args.model, r["format"], r["variant"], r["entries"], r["accuracy"],
              round(r["digit_accuracy"], 3), flush=True)
        log["eval_seconds"] = round(time.time() - t0, 1)
        json.dump(log, open(os.path.join(args.out, "train.json"), "w"), indent=1)


def base_run(folder):
    """The train.json of the run whose weights --init-from reads: in a shipped model's folder, or beside
    <run>/model; None (said) if there is none, and the card then tells this run alone."""
    paths = [os.path.join(folder, "train.json")]
    if os.path.basename(os.path.normpath(folder)) == "model":
        paths.append(os.path.join(folder, os.pardir, "train.json"))
    for path in paths:
        if os.path.exists(path):
            return json.load(open(path))
    print(f"--init-from {folder}: no train.json of the run these weights come from; the card will not tell it", flush=True)
    return None


def save_resume(out, model, opt, step, tokens, seconds, log, rewarm_from):
    """state.pt: everything, for this machine; resume.pt: float16 weights, small enough to travel."""
    meta = {"step": step, "tokens": tokens, "seconds": seconds, "log": log, "rewarm_from": rewarm_from}
    torch.save({**meta, "model": model.state_dict(), "optimizer": opt.state_dict()},
               os.path.join(out, "state.pt.tmp"))
    os.replace(os.path.join(out, "state.pt.tmp"), os.path.join(out, "state.pt"))
    half = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    torch.save({**meta, "model": half}, os.path.join(out, "resume.pt.tmp"))
    os.replace(os.path.join(out, "resume.pt.tmp"), os.path.join(out, "resume.pt"))


RESUME_FILES = ("state.pt", "resume.pt")  # state.pt first: written with resume.pt, so never older


def resume_file(out):
    """The file a run in `out` would resume from, or None."""
    return next((n for n in RESUME_FILES if os.path.exists(os.path.join(out, n))), None)


def resume(out, model, opt, dev):
    """From state.pt (with AdamW moments; written with resume.pt, so never older) or else resume.pt
    (weights only, as the device sends it back), or None."""
    name = resume_file(out)
    if name is None:
        return None
    ck = torch.load(os.path.join(out, name), map_location=dev, weights_only=False)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ck["model"].items()})
    if "optimizer" in ck:
        opt.load_state_dict(ck["optimizer"])
    return {**{k: ck[k] for k in ("step", "tokens", "seconds", "log")}, "optimizer": "optimizer" in ck,
            "rewarm_from": ck.get("rewarm_from"), "file": name}


if __name__ == "__main__":
    main()
