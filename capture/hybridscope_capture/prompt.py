"""A run's prompt as engine/prompt.ts prepares it (PromptInfo): a phonebook from the generator
(phonebook.py, the Python twin of engine/phonebook/ that engine/phonebook/python-twin.test.ts
checks), free text, token ids, or the prompt of an existing trace (`--like`), which is then copied
exactly. The focus rows are the engine's: the end of the book, the end of the opening request
(reversed variant) and the last prompt token."""
import json
import os
import re
from importlib import resources

from . import phonebook as pb
from .trace_file import read_trace

MAX_PROMPT_TOKENS = 262_144


class PromptError(ValueError):
    """Bad prompt input: one line."""


def names():
    with resources.as_file(resources.files(__package__) / "data" / "names.json") as path:
        return pb.load_names(str(path))


def book(tok, fmt, variant, entries, tokens, depth, shots, seed):
    """The generator's book (engine/phonebook/generate.ts makePhonebook): `entries` lines, or the
    longest book whose prompt fits `tokens` tokens of this tokenizer."""
    if (entries is None) == (tokens is None):
        raise PromptError("give the book length as entries or as tokens (one of them)")
    if entries is not None:
        return pb.make_phonebook(fmt, variant, entries, depth, shots, seed, names())
    return pb.fit_token_budget(fmt, variant, tokens, lambda text: len(tok.encode(text)[0]), depth, shots, seed, names())


def char_span_to_tokens(offsets, span):
    """The tokens that overlap a character span (generate.ts charSpanToTokens)."""
    def lower_bound(pred):
        lo, hi = 0, len(offsets)
        while lo < hi:
            mid = (lo + hi) // 2
            if pred(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo
    first = lower_bound(lambda i: offsets[i][1] > span[0])
    end = lower_bound(lambda i: offsets[i][0] >= span[1])
    return [first, max(first, end)]


def leading_space_token(tok, text, ids, completion):
    """The completion's leading whitespace as one token of its own after `ids`, or None when the
    tokenizer merges it with the first digit (prompt.ts leadingSpaceToken)."""
    m = re.match(r"^[ \t]+", completion)
    if not m:
        return None
    space = m.group(0)
    T = len(ids)
    enc_ids, offsets = tok.encode(text + completion[: len(space) + 1])
    if len(enc_ids) != T + 2 or enc_ids[:T] != ids:
        return None
    a, b = offsets[T]
    return (enc_ids[T], space) if a == len(text) and b == len(text) + len(space) else None


def phonebook_prompt(tok, fmt="question", variant="standard", entries=None, tokens=None, depth=0.5, shots=2, seed=0):
    """PromptInfo of a phonebook run (prompt.ts phonebookPrompt)."""
    p = book(tok, fmt, variant, entries, tokens, depth, shots, seed)
    ids, offsets = tok.encode(p["text"])
    spans = [char_span_to_tokens(offsets, e["span"]) for e in p["entries"]]
    lead = leading_space_token(tok, p["text"], ids, p["completion"])
    texts = [p["text"][a:b] for a, b in offsets]
    if lead:
        ids = ids + [lead[0]]
        texts.append(lead[1])
    T = len(ids)
    focus = [(spans[-1][1] if spans else T) - 1, T - 1]
    if p["request"] is not None:
        focus.append(char_span_to_tokens(offsets, p["request"])[1] - 1)
    return {
        "ids": ids, "tokens": texts, "focus": sorted({f for f in focus if 0 <= f < T}),
        "phonebook": {
            "entries": [{"name": e["name"], "number": e["number"], "tokens": s} for e, s in zip(p["entries"], spans)],
            "target": p["target"], "examples": p["examples"], "expected": p["answer"],
        },
    }


def text_prompt(tok, text):
    ids, offsets = tok.encode(text)
    if not ids:
        raise PromptError("the prompt has no tokens")
    if len(ids) > MAX_PROMPT_TOKENS:
        raise PromptError(f"the prompt has {len(ids)} tokens; at most {MAX_PROMPT_TOKENS} can be run")
    return {"ids": ids, "tokens": [text[a:b] for a, b in offsets], "focus": [len(ids) - 1]}


def ids_prompt(tok, ids, vocab_size):
    bad = [i for i in ids if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < vocab_size]
    if bad:
        raise PromptError(f"token id {bad[0]} is outside the vocabulary 0..{vocab_size - 1}")
    if not ids:
        raise PromptError("no input ids")
    names_of = (lambda i: tok.id_to_token(i) or str(i)) if tok else str
    return {"ids": list(ids), "tokens": [names_of(i) for i in ids], "focus": [len(ids) - 1]}


def read_ids(path):
    try:
        with open(path, encoding="utf-8") as f:
            ids = json.load(f)
    except (OSError, ValueError) as e:
        raise PromptError(f"{path}: {e}") from None
    if not isinstance(ids, list):
        raise PromptError(f"{path}: not a JSON array of token ids")
    return ids


def like_prompt(path):
    """The prompt of an existing trace, as recorded (ids, token texts, phonebook spans, focus rows),
    with the generation settings it was run with; the prompt's kind decides how generation stops."""
    if not os.path.exists(path):
        raise PromptError(f"{path}: no such file")
    header = read_trace(path, records=False)[0]
    prompt = header.get("prompt") if isinstance(header, dict) else None
    if not isinstance(prompt, dict) or not isinstance(prompt.get("ids"), list) or not isinstance(prompt.get("focus"), list):
        raise PromptError(f"{path}: the trace's header has no prompt with ids and focus rows")
    return prompt, header.get("maxNewTokens"), header.get("topK"), header.get("promptSpec")
