"""Misses split by whether the book holds another entry sharing the asked entry's first or last name.

    python3 training/same_name.py /tmp/eval transformer mamba2     # folder of the engine's --out files

Reads <folder>/<id>-<format>-standard-1000000.samples.json (cards.py's sweep files), rebuilds each
sample's book from its seed with phonebook.py (the engine generator's twin; the answer is checked),
and prints, per book length, misses / prompts with such an entry and without. Standard library only.
"""

import json
import os
import sys

import phonebook


def split(path):
    """{entries: {True: [prompts, misses], False: [...]}}; True: the book holds a same-name entry."""
    out = {}
    for s in json.load(open(path))["samples"]:
        book = phonebook.make_phonebook(s["format"], s["variant"], s["entries"], None, 2, s["seed"])
        if book["answer"] != s["answer"]:
            raise SystemExit(f"{path}: sample seed {s['seed']} rebuilds another book (answer {book['answer']})")
        names = [e["name"].split() for e in book["entries"]]
        first, last = names[book["target"]]
        shared = any(n[0] == first or n[1] == last for i, n in enumerate(names) if i != book["target"])
        point = out.setdefault(s["entries"], {True: [0, 0], False: [0, 0]})
        point[shared][0] += 1
        point[shared][1] += not s["exact"]
    return out


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    folder, ids = argv[0], argv[1:]
    for model_id in ids:
        for fmt in ("bare", "question"):
            path = os.path.join(folder, f"{model_id}-{fmt}-standard-1000000.samples.json")
            cells = [f"{n}: {v[True][1]}/{v[True][0]} with, {v[False][1]}/{v[False][0]} without"
                     for n, v in sorted(split(path).items())]
            print(f"{model_id} {fmt}: " + " · ".join(cells))


if __name__ == "__main__":
    main(sys.argv[1:])
