"""Phonebook prompts for training: the Python twin of engine/phonebook/ (book.ts, prng.ts, score.ts).

Standard library only (python3 >= 3.9). Given the same seed, spec and names list it produces the
same text, spans, target and examples as the TypeScript generator, byte for byte;
engine/phonebook/python-twin.test.ts runs `--emit-json` and compares.

    from phonebook import make_phonebook
    p = make_phonebook("question", "standard", entries=40, depth=None, shots=16, seed=7)
    full = p["text"] + p["completion"]          # the training sequence
    p["supervised"]                              # [start, end) char spans in `full`: every look-up's
                                                 # number and the target's answer (dashes included)

Keys of the returned dict follow the TypeScript interface `BookPrompt` (camelCase); spans are
[start, end) character offsets. Formats, variants and draw order: see engine/phonebook/book.ts.
"""
import argparse
import json
import math
import os
import sys

M32 = 0xFFFFFFFF
NAMES_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "phonebook", "names.json")

FORMATS = ("bare", "question")
VARIANTS = ("standard", "reversed")
ANSWER_PREFIX = "Answer:"


def question_line(name):
    return f"What is the phone number for {name}?"


def request_line(name):
    return (f"Please find the phone number for {name} in the phone book below. "
            "Memorize it, you will be asked for it at the end.")


def format_number(digits, fmt):
    return digits if fmt == "bare" else f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


# --- PRNG (prng.ts): uint32 arithmetic, masked after every multiply and add -----------------------

def fmix32(x):
    x &= M32
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & M32
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & M32
    return x ^ (x >> 16)


def derive_seed(seed, k):
    return fmix32((seed & M32) + (((k & M32) * 0x9E3779B9) & M32))


def sample_seed(seed, k):
    """The seed of sample k in the engine's sweeps and `hybridscope phonebook` (sweep.ts): the same k
    gets the same book at every length, variant and model."""
    return derive_seed(seed, k)


class Rng:
    """mulberry32, as in prng.ts."""

    def __init__(self, seed):
        self.state = seed & M32

    def next_uint32(self):
        a = self.state = (self.state + 0x6D2B79F5) & M32
        t = ((a ^ (a >> 15)) * (a | 1)) & M32
        t = ((t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32) ^ t
        return t ^ (t >> 14)

    def below(self, n):
        """Uniform integer in [0, n) by rejection."""
        if n < 1 or n > 2 ** 32:
            raise ValueError(f"phonebook: bad range {n}")
        limit = 2 ** 32 - (2 ** 32 % n)
        x = self.next_uint32()
        while x >= limit:
            x = self.next_uint32()
        return x % n


# --- names ---------------------------------------------------------------------------------------

def load_names(path=NAMES_PATH):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for key in ("first", "last"):
        names = data.get(key)
        if not isinstance(names, list) or not names:
            raise ValueError(f'names: "{key}" must be a non-empty array')
        if len(set(names)) != len(names):
            raise ValueError(f'names: "{key}" lists a name twice')
        for name in names:
            if not (isinstance(name, str) and name.isascii() and name.isalpha()):
                raise ValueError(f'names: "{key}" has a bad name {name!r} (ASCII letters only)')
    return {"first": list(data["first"]), "last": list(data["last"])}


_default_names = None


def default_names():
    global _default_names
    if _default_names is None:
        _default_names = load_names()
    return _default_names


# --- the book (book.ts) --------------------------------------------------------------------------

def _draw_names(rng, count, names):
    first, last = names["first"], names["last"]
    total = len(first) * len(last)
    moved = {}
    out = []
    for i in range(count):
        j = i + rng.below(total - i)
        pick = moved.get(j, j)
        moved[j] = moved.get(i, i)
        out.append(f"{first[pick // len(last)]} {last[pick % len(last)]}")
    return out


def _draw_digits(rng):
    below = rng.below
    return "%d%d%d%d%d%d%d%d%d%d" % (6 + below(4), below(10), below(10), below(10), below(10),
                                     below(10), below(10), below(10), below(10), below(10))


def _pick_examples(rng, count, target, shots):
    others = [i for i in range(count) if i != target]
    k = min(shots, len(others))
    examples = []
    for j in range(k):
        lo = (j * len(others)) // k
        hi = ((j + 1) * len(others)) // k
        examples.append(others[lo + rng.below(hi - lo)])
    return examples


class _Text:
    def __init__(self):
        self.parts = []
        self.length = 0

    def push(self, piece):
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return [start, self.length]

    def text(self):
        return "".join(self.parts)


def make_phonebook(fmt, variant, entries, depth=None, shots=2, seed=0, names=None):
    """One prompt; see the module docstring. depth: target position 0–1, None for uniform random."""
    names = names or default_names()
    if fmt not in FORMATS:
        raise ValueError(f"phonebook: unknown format {fmt!r} (bare or question)")
    if variant not in VARIANTS:
        raise ValueError(f"phonebook: unknown variant {variant!r} (standard or reversed)")
    capacity = len(names["first"]) * len(names["last"])
    if not isinstance(entries, int) or not 1 <= entries <= capacity:
        raise ValueError(f"phonebook: entries must be an integer 1…{capacity}, got {entries}")
    if depth is not None and not (math.isfinite(depth) and 0 <= depth <= 1):
        raise ValueError(f"phonebook: depth must be a fraction 0…1, got {depth}")
    if not isinstance(shots, int) or shots < 0:
        raise ValueError(f"phonebook: shots must be an integer ≥ 0, got {shots}")

    name_rng, number_rng, layout_rng = (Rng(derive_seed(seed, k)) for k in (1, 2, 3))
    n = entries
    book_names = _draw_names(name_rng, n, names)
    numbers = [format_number(_draw_digits(number_rng), fmt) for _ in book_names]
    target = layout_rng.below(n) if depth is None else math.floor(depth * (n - 1) + 0.5)
    examples = _pick_examples(layout_rng, n, target, shots)
    target_name = book_names[target]

    b = _Text()
    request = None
    if variant == "reversed":
        request = b.push(request_line(target_name))
        b.push("\n\n")
    book = []
    for name, number in zip(book_names, numbers):
        name_span = b.push(name)
        b.push(": ")
        number_span = b.push(number)
        b.push("\n")
        book.append({"name": name, "number": number, "span": [name_span[0], number_span[1]],
                     "nameSpan": name_span, "numberSpan": number_span})

    lookups = []
    if fmt == "bare":
        if examples:
            b.push("\n")
            for e in examples:
                start = b.push(f"{book_names[e]}: ")[0]
                number_span = b.push(numbers[e])
                b.push("\n")
                lookups.append({"entry": e, "span": [start, number_span[1]], "numberSpan": number_span})
        b.push("\n")
        query = b.push(f"{target_name}:")
    else:
        for e in examples:
            start = b.push(f"{question_line(book_names[e])}\n{ANSWER_PREFIX} ")[0]
            number_span = b.push(numbers[e])
            b.push("\n")
            lookups.append({"entry": e, "span": [start, number_span[1]], "numberSpan": number_span})
        query = b.push(f"{question_line(target_name)}\n{ANSWER_PREFIX}")

    answer = numbers[target]
    answer_start = b.length + 1
    return {
        "seed": seed,
        "spec": {"format": fmt, "variant": variant, "entries": entries, "depth": depth, "shots": shots},
        "text": b.text(),
        "answer": answer,
        "completion": f" {answer}\n",
        "entries": book,
        "target": target,
        "examples": examples,
        "lookups": lookups,
        "query": query,
        "request": request,
        "supervised": [l["numberSpan"] for l in lookups] + [[answer_start, answer_start + len(answer)]],
    }


def fit_token_budget(fmt, variant, tokens, count_tokens, depth=None, shots=2, seed=0, names=None):
    """The longest book whose prompt has at most `tokens` tokens (count_tokens(text) -> int), searched
    exactly as in generate.ts (doubling, then bisection), so both pick the same book."""
    names = names or default_names()
    capacity = len(names["first"]) * len(names["last"])
    cache = {}

    def at(n):
        if n not in cache:
            p = make_phonebook(fmt, variant, n, depth, shots, seed, names)
            cache[n] = (p, count_tokens(p["text"]))
        return cache[n]

    def fits(n):
        return at(n)[1] <= tokens

    if not fits(1):
        raise ValueError(f"phonebook: a token budget of {tokens} is below the one-entry prompt ({at(1)[1]} tokens)")
    lo, hi = 1, 2
    while hi <= capacity and fits(hi):
        lo, hi = hi, hi * 2
    if hi > capacity:
        if fits(capacity):
            return at(capacity)[0]
        hi = capacity
    while hi - lo > 1:  # fits(lo) and not fits(hi)
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return at(lo)[0]


# --- scoring (score.ts) --------------------------------------------------------------------------

def first_line(generated):
    """The answer line: the generation up to its first newline."""
    return generated.split("\n", 1)[0]


def score_answer(generated, answer):
    """As score.ts scoreAnswer: {'line', 'exact', 'digitsRight', 'digitAccuracy'}. The answer line is
    the generation up to its first newline, whitespace runs collapsed; exact: line == answer; per
    digit: the i-th ASCII digit of the line against the i-th digit of the answer (missing = wrong)."""
    line = " ".join(first_line(generated).split())
    got = [c for c in line if "0" <= c <= "9"]
    want = [c for c in answer if "0" <= c <= "9"]
    right = sum(1 for i, c in enumerate(want) if i < len(got) and got[i] == c)
    return {"line": line, "exact": line == answer, "digitsRight": right,
            "digitAccuracy": right / len(want) if want else 0.0}


def _main(argv):
    ap = argparse.ArgumentParser(description="Phonebook prompts (twin of engine/phonebook).")
    ap.add_argument("--emit-json", action="store_true", help="print the prompts as one JSON array")
    ap.add_argument("--seeds", default="0", help="comma-separated seeds, one prompt each")
    ap.add_argument("--format", default="bare", choices=FORMATS)
    ap.add_argument("--variant", default="standard", choices=VARIANTS)
    ap.add_argument("--entries", type=int, default=10)
    ap.add_argument("--depth", type=float, default=None, help="target depth 0–1 (default random)")
    ap.add_argument("--shots", type=int, default=2)
    ap.add_argument("--names", default=NAMES_PATH)
    ap.add_argument("--cases", help='"-": read a JSON list of {format, variant, entries, depth, shots, seed} '
                    "from stdin, one prompt each (the other spec options are ignored)")
    args = ap.parse_args(argv)
    names = load_names(args.names)
    if args.cases:
        cases = json.load(sys.stdin if args.cases == "-" else open(args.cases, encoding="utf-8"))
        prompts = [make_phonebook(c["format"], c["variant"], c["entries"], c["depth"], c["shots"], c["seed"], names)
                   for c in cases]
    else:
        prompts = [make_phonebook(args.format, args.variant, args.entries, args.depth, args.shots, int(s), names)
                   for s in args.seeds.split(",")]
    if args.emit_json:
        json.dump(prompts, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for p in prompts:
            sys.stdout.write(p["text"] + p["completion"] + "\n")


if __name__ == "__main__":
    _main(sys.argv[1:])
