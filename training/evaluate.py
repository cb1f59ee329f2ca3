"""Phonebook accuracy of a model in PyTorch: greedy decoding, first answer line, exact and per digit.

Prompts come from phonebook.py with the study's 2 few-shot look-ups, the scoring is phonebook.py's
twin of score.ts, decoding is plain greedy in float32 without cache (batched: each row reads its
own last position; right padding never reaches earlier tokens of a causal model).
Also the cheap teacher-forced check used for training curves.
"""

import torch

import phonebook
from data import IGNORE, encode_example

NEWLINE = "\n"


@torch.no_grad()
def greedy_answers(model, tok, prompts, dev, batch=50, max_new=16):
    nl = tok.token_to_id(NEWLINE)
    out = []
    for k in range(0, len(prompts), batch):
        chunk = prompts[k: k + batch]
        encs = [tok.encode(p["text"], add_special_tokens=False).ids for p in chunk]
        b = len(encs)
        lens = torch.tensor([len(e) for e in encs], device=dev)
        ids = torch.zeros(b, int(lens.max()) + max_new, dtype=torch.long, device=dev)
        for j, e in enumerate(encs):
            ids[j, : len(e)] = torch.tensor(e, device=dev)
        gen = [[] for _ in range(b)]
        done = torch.zeros(b, dtype=torch.bool, device=dev)
        rows = torch.arange(b, device=dev)
        for _ in range(max_new):
            logits = model(ids[:, : int(lens.max())], use_cache=False).logits
            nxt = logits[rows, lens - 1].argmax(-1)
            ids[rows, lens] = nxt
            lens = lens + 1
            for j in range(b):
                if not done[j]:
                    gen[j].append(int(nxt[j]))
            done |= nxt == nl
            if bool(done.all()):
                break
        out += [tok.decode(g, skip_special_tokens=False) for g in gen]
    return out


def sweep_prompts(fmt, variant, entries, samples, seed):
    """The prompts `hybridscope phonebook --seed <seed>` scores as samples 0 … samples - 1 (sweep.ts)."""
    return [phonebook.make_phonebook(fmt, variant, entries, None, 2, phonebook.sample_seed(seed, k))
            for k in range(samples)]


def is_other_entry(line, prompt):
    """Whether an answer line is the number of another entry of the book than the asked one (its digits)."""
    def digits(s):
        return "".join(c for c in s if "0" <= c <= "9")

    return any(digits(line) == digits(e["number"]) for i, e in enumerate(prompt["entries"]) if i != prompt["target"])


def accuracy(model, tok, fmt, variant, entries, samples, seed, dev):
    """Sample k is the book `hybridscope phonebook --seed <seed>` scores as its sample k (sweep.ts), so
    the engine's results on the shipped files can be compared prompt by prompt."""
    prompts = sweep_prompts(fmt, variant, entries, samples, seed)
    answers = greedy_answers(model, tok, prompts, dev)
    scores = [phonebook.score_answer(a, p["answer"]) for a, p in zip(answers, prompts)]
    wrong = [s["digitAccuracy"] for s in scores if not s["exact"]]
    copies = sum(not s["exact"] and is_other_entry(s["line"], p) for s, p in zip(scores, prompts))
    n_tok = sum(len(tok.encode(p["text"], add_special_tokens=False).ids) for p in prompts) / samples
    return {"entries": entries, "format": fmt, "variant": variant, "samples": samples, "seed": seed,
            "mean_tokens": round(n_tok, 1),
            "accuracy": sum(s["exact"] for s in scores) / samples,
            "digit_accuracy": sum(s["digitAccuracy"] for s in scores) / samples,
            "wrong_digit_accuracy": (sum(wrong) / len(wrong)) if wrong else None,
            "wrong": len(wrong), "wrong_other_entry": copies,
            "exact": [int(s["exact"]) for s in scores]}


def plan(entries, train_max):
    """(format, variant, entries) points, most needed first: standard in both formats at every size,
    then reversed at a few."""
    pts = [(f, "standard", n) for n in entries for f in phonebook.FORMATS]
    few = sorted({entries[0], train_max // 2, train_max})
    return pts + [(f, "reversed", n) for n in few for f in phonebook.FORMATS]


def teacher_forced_set(tok, entries, samples, seed):
    """Fixed prompts (bare and question, standard) with labels on the target answer only."""
    sets = []
    for n in entries:
        rows = []
        for fmt in phonebook.FORMATS:
            for i in range(samples):
                p = phonebook.make_phonebook(fmt, "standard", n, None, 2, seed + 7919 * n + i)
                p = dict(p, supervised=p["supervised"][-1:])
                rows.append(encode_example(tok, p))
        T = max(len(r[0]) for r in rows)
        ids = torch.zeros(len(rows), T, dtype=torch.long)
        labels = torch.full((len(rows), T), IGNORE, dtype=torch.long)
        for j, (i, l) in enumerate(rows):
            ids[j, : len(i)] = torch.tensor(i)
            labels[j, : len(l)] = torch.tensor(l)
        sets.append((n, ids, labels))
    return sets


@torch.no_grad()
def teacher_forced(model, sets, dev):
    """Per book size: share of answers whose every digit is the argmax given the true prefix."""
    was = model.training
    model.eval()
    out = {}
    for n, ids, labels in sets:
        ids, labels = ids.to(dev), labels.to(dev)
        with torch.autocast(ids.device.type, dtype=torch.bfloat16, enabled=ids.device.type == "cuda"):
            logits = model(ids, use_cache=False).logits
        ok = (logits.argmax(-1) == labels) | (labels == IGNORE)
        out[n] = round(float(ok.all(-1).float().mean()), 3)
    model.train(was)
    return out
