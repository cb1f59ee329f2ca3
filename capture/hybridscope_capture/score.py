"""Scoring a phonebook answer as engine/phonebook/score.ts does: score_answer from the generator's
twin (phonebook.py), plus the wrong-entry check of retrievedEntry / scoreInBook."""
from .phonebook import score_answer


def _digits(s):
    return "".join(c for c in s if "0" <= c <= "9")


def _split_name(name):
    first, _, last = name.partition(" ")
    return first, last


def retrieved_entry(line, exact, entries, target):
    """The entry other than `target` whose number the answer line spells, and which half of the
    target's name it shares; None for an exact answer or when the digits are no other entry's."""
    if exact:
        return None
    got = _digits(line)
    for i, e in enumerate(entries):
        if i != target and got.startswith(_digits(e["number"])):
            first, last = _split_name(e["name"])
            target_first, target_last = _split_name(entries[target]["name"])
            return {"entry": i, "sharesFirst": first == target_first, "sharesLast": last == target_last}
    return None


def score_in_book(generated, answer, entries, target):
    s = score_answer(generated, answer)
    return {**s, "retrieved": retrieved_entry(s["line"], s["exact"], entries, target)}
