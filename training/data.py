"""Phonebook training batches: text from phonebook.py (the twin of the engine's generator), tokens from
assets/tokenizer/tokenizer.json, loss only on the supervised characters (every look-up's number and
the target's answer; phonebook.py decides which).

A batch is a pure function of (seed, step): book sizes follow the curriculum cap, and every book has
its own derived seed, so a run is reproducible whatever the number of loader workers.
"""

import functools
import math
import os
import random

import numpy as np
import torch
from tokenizers import Tokenizer

import phonebook

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKENIZER = os.path.join(ROOT, "assets", "tokenizer", "tokenizer.json")
IGNORE = -100


class Curriculum:
    """Book size cap grows linearly from `start` to `max_entries` over the first `ramp` of the steps;
    each book draws its size uniformly in [min_entries, cap]. Look-ups: dense (up to `max_shots`,
    all supervised) in most books, the study's 2 in the rest."""

    def __init__(self, steps, max_entries=40, start=4, ramp=0.5, min_entries=2, max_shots=16,
                 dense_share=0.7, reversed_share=0.25, max_tokens=1024, formats=phonebook.FORMATS,
                 bare_until=0.0, digit_noise=0.0, digit_noise_from=0.0):
        self.steps, self.max_entries, self.start, self.ramp = steps, max_entries, start, ramp
        self.min_entries, self.max_shots, self.dense_share = min_entries, max_shots, dense_share
        self.reversed_share, self.max_tokens, self.formats = reversed_share, max_tokens, tuple(formats)
        self.bare_until = bare_until  # share of the steps that see the bare format only (format curriculum)
        self.digit_noise = digit_noise  # chance that an answer digit fed back as input is another digit
        self.digit_noise_from = digit_noise_from  # share of the steps before the noise starts

    def noise_at(self, step):
        return self.digit_noise if step >= self.digit_noise_from * self.steps else 0.0

    def cap(self, step):
        f = min(1.0, step / max(1.0, self.ramp * self.steps))
        return int(round(self.start + f * (self.max_entries - self.start)))

    def spec(self, rng, step):
        entries = rng.randint(self.min_entries, max(self.min_entries, self.cap(step)))
        shots = 2
        if rng.random() < self.dense_share:
            shots = rng.randint(2, max(2, min(self.max_shots, entries - 1)))
        fmt = rng.choice(self.formats)  # drawn always, so the stream after the switch does not shift
        if step < self.bare_until * self.steps:
            fmt = "bare"
        variant = "reversed" if rng.random() < self.reversed_share else "standard"
        return fmt, variant, entries, shots


def load_tokenizer():
    return Tokenizer.from_file(TOKENIZER)


def encode_example(tok, prompt):
    """ids of prompt text + completion, and labels (next-token targets) on supervised tokens only."""
    full = prompt["text"] + prompt["completion"]
    enc = tok.encode(full, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    # phonebook.py marks the digits; the space before them and the newline after are supervised too,
    # or greedy decoding never learns to start the answer (the first run's failure, RUNS.md)
    spans = np.asarray([(a - 1, b + 1) for a, b in prompt["supervised"]], dtype=np.int64).reshape(-1, 2)
    off = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)                      # (T, 2)
    inside = ((spans[None, :, 0] <= off[:, None, 0]) & (off[:, None, 1] <= spans[None, :, 1])).any(1)
    inside[0] = False  # the first token has no predecessor to predict it
    labels = np.full(len(ids), IGNORE, dtype=np.int64)
    labels[:-1][inside[1:]] = ids[1:][inside[1:]]  # logits at t - 1 predict token t
    return ids, labels


def corrupt_answer_digits(ids, labels, digit_ids, p, rng):
    """Answer digits as inputs, each replaced by another digit with chance p; the targets stay true.

    Greedy decoding reads back its own digits, and one wrong digit early in an answer is followed by
    the rest of whichever entry's number starts that way (RUNS.md, seventh session). With digits in the
    answers sometimes wrong, what follows one has to come from the asked name, not from the digits so far.
    """
    ids = ids.copy()
    answer = np.zeros(len(ids), dtype=bool)
    answer[1:] = labels[:-1] != IGNORE               # token t is a supervised target
    where = np.flatnonzero(answer & np.isin(ids, digit_ids) & (rng.random(len(ids)) < p))
    if len(where):
        digit = np.searchsorted(digit_ids, ids[where])  # digit_ids are the ids of "0".."9", ascending
        ids[where] = digit_ids[(digit + rng.integers(1, 10, len(where))) % 10]
    return ids


@functools.cache
def digit_token_ids(tok):
    """The token ids of "0" … "9" (ascending, checked); one lookup per tokenizer, not one per batch."""
    ids = np.asarray([tok.token_to_id(str(d)) for d in range(10)], dtype=np.int64)
    assert (np.diff(ids) > 0).all(), ids
    return ids


def make_batch(tok, cur, seed, step, batch):
    rng = random.Random(seed * 1_000_003 + step)
    p_noise = cur.noise_at(step)
    digit_ids = digit_token_ids(tok) if p_noise else None
    rows = []
    for j in range(batch):
        fmt, variant, entries, shots = cur.spec(rng, step)
        book_seed = rng.randrange(2 ** 31)
        while True:
            p = phonebook.make_phonebook(fmt, variant, entries, None, shots, book_seed)
            ids, labels = encode_example(tok, p)
            if len(ids) <= cur.max_tokens or (shots <= 2 and entries <= 2):
                break
            shots, entries = (max(2, shots // 2), entries) if shots > 2 else (shots, entries - 2)
        if p_noise:  # its own stream, so the books are those of a run without noise
            noise = np.random.default_rng([seed, step, j])
            ids = corrupt_answer_digits(ids, labels, digit_ids, p_noise, noise)
        rows.append((ids[: cur.max_tokens], labels[: cur.max_tokens]))
    T = max(len(r[0]) for r in rows)
    T = int(math.ceil(T / 64) * 64)  # few distinct shapes; right padding never reaches earlier tokens
    ids = torch.zeros(batch, T, dtype=torch.long)
    labels = torch.full((batch, T), IGNORE, dtype=torch.long)
    for j, (i, l) in enumerate(rows):
        ids[j, : len(i)] = torch.from_numpy(np.asarray(i))
        labels[j, : len(l)] = torch.from_numpy(np.asarray(l))
    return ids, labels


class Batches(torch.utils.data.IterableDataset):
    """Batch k of worker w is step start + w + k * workers, so the DataLoader yields steps in order
    (a resumed run starts at its next step and sees the batches it would have seen)."""

    def __init__(self, cur, seed, batch, steps, start=0):
        self.cur, self.seed, self.batch, self.steps, self.start = cur, seed, batch, steps, start

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid, n = (info.id, info.num_workers) if info else (0, 1)
        tok = load_tokenizer()
        for step in range(self.start + wid, self.steps, n):
            yield make_batch(tok, self.cur, self.seed, step, self.batch)


def loader(cur, seed, batch, steps, workers=3, start=0):
    return torch.utils.data.DataLoader(Batches(cur, seed, batch, steps, start), batch_size=None,
                                       num_workers=workers, prefetch_factor=8, persistent_workers=False)
