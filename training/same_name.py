"""Misses split by whether the book holds another entry sharing the asked entry's last or first name.

    python3 training/same_name.py /tmp/eval transformer mamba2     # folder of the engine's --out files

Reads <folder>/<id>-<format>-standard-1000000.samples.json (cards.py's sweep files), rebuilds each
sample's book from its seed with phonebook.py (the engine generator's twin, with the study's 2 look-ups
as the CLI draws them; the answer is checked), and prints, per book length, misses / prompts of three
kinds of book: one holding another entry with the asked entry's last name ("last"), one holding only
entries sharing its first name ("first"), and the rest ("neither"). Standard library only.
"""

import json
import os
import sys

import phonebook
import sweeps


KINDS = ("last", "first", "neither")


def kind_of(book):
    """Which other entries of the book share a name with the asked one: "last", "first" or "neither"."""
    names = [e["name"].split() for e in book["entries"]]
    first, last = names[book["target"]]
    others = [n for i, n in enumerate(names) if i != book["target"]]
    if any(n[1] == last for n in others):
        return "last"
    return "first" if any(n[0] == first for n in others) else "neither"


def split(path):
    """{entries: {kind: [prompts, misses]}} for one sweep file (see KINDS)."""
    if not os.path.exists(path):
        raise ValueError(f"no sweep file {path}")
    out = {}
    for s in json.load(open(path))["samples"]:
        try:
            book = sweeps.book_of(s)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        count = out.setdefault(s["entries"], {k: [0, 0] for k in KINDS})[kind_of(book)]
        count[0] += 1
        count[1] += not s["exact"]
    return out


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    folder, ids = argv[0], argv[1:]
    for model_id in ids:
        for fmt in phonebook.FORMATS:
            path = sweeps.sweep_file(folder, model_id, fmt)
            try:
                points = split(path)
            except ValueError as e:
                raise SystemExit(f"same_name: {e}")
            cells = [f"{n}: " + ", ".join(f"{v[k][1]}/{v[k][0]} {k}" for k in KINDS) for n, v in sorted(points.items())]
            print(f"{model_id} {fmt}: " + " · ".join(cells))


if __name__ == "__main__":
    main(sys.argv[1:])
