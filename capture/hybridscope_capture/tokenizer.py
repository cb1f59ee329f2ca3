"""A checkpoint's tokenizer.json as the engine reads it (engine/tokenizer.ts): no special tokens
added, character offsets from the tokens' bytes (byte-level BPE) or found by locating each token's
text left to right, and decoding as @huggingface/tokenizers does (special tokens kept;
clean_up_tokenization_spaces, default true, from tokenizer_config.json). The same ids, spans and
texts as the engine make the same prompt."""
import json
import os
import re

from tokenizers import Tokenizer

# @huggingface/tokenizers' clean_up_tokenization, in its order.
_CLEANUPS = [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
             (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")]


class EngineTokenizer:
    def __init__(self, folder):
        path = os.path.join(folder, "tokenizer.json")
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path}: missing (phonebook and text prompts are tokenized with the model's own tokenizer)")
        self.tok = Tokenizer.from_file(path)
        spec = json.loads(self.tok.to_str())
        self.unk = spec["model"].get("unk_token")
        self.byte_level = _is_byte_level(spec.get("pre_tokenizer"))
        self.added = {t["content"] for t in spec.get("added_tokens") or []}
        config_path = os.path.join(folder, "tokenizer_config.json")
        config = {}
        if os.path.exists(config_path):
            with open(config_path, encoding="utf-8") as f:
                config = json.load(f)
        clean = config.get("clean_up_tokenization_spaces")
        self.clean_up = True if clean is None else bool(clean)

    def encode(self, text):
        """(ids, offsets): ids without special tokens, [start, end) character spans as the engine finds them."""
        enc = self.tok.encode(text, add_special_tokens=False)
        # @huggingface/tokenizers names an unknown word by its own text, not by the unk token
        if self.byte_level:
            spans = byte_level_spans(text, enc.tokens, self.added)
            if spans is not None:
                return list(enc.ids), spans
        tokens = [text[a:b] if t == self.unk else t for t, (a, b) in zip(enc.tokens, enc.offsets)]
        return list(enc.ids), locate(text, tokens)

    def decode(self, ids):
        text = self.tok.decode(list(ids), skip_special_tokens=False)
        if self.clean_up:
            for a, b in _CLEANUPS:
                text = text.replace(a, b)
        return text

    def id_to_token(self, i):
        return self.tok.id_to_token(int(i))


def _is_byte_level(c):
    if not isinstance(c, dict):
        return False
    return c.get("type") == "ByteLevel" or any(_is_byte_level(p) for p in c.get("pretokenizers") or [])


def _byte_of():
    """GPT-2's bytes_to_unicode reversed (engine/tokenizer.ts BYTE_OF)."""
    out, shifted = {}, 0
    for b in range(256):
        if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or b >= 0xAE:
            out[chr(b)] = b
        else:
            out[chr(256 + shifted)] = b
            shifted += 1
    return out


_BYTE_OF = _byte_of()


def byte_level_spans(text, tokens, added):
    """engine/tokenizer.ts byteLevelSpans: each token's bytes are the next bytes of the text's UTF-8,
    and its span covers every character they belong to (here in code points, as Python indexes the
    text); None when the tokens do not spell the text."""
    char_of = []  # the character each byte belongs to
    for i, ch in enumerate(text):
        char_of.extend([i] * len(ch.encode("utf-8")))
    data = text.encode("utf-8")
    spans, at = [], 0
    for token in tokens:
        own = token.encode("utf-8") if token in added else None
        try:
            seq = own if own is not None else bytes(_BYTE_OF[c] for c in token)
        except KeyError:
            return None
        if not seq or data[at:at + len(seq)] != seq:
            return None
        spans.append([char_of[at], char_of[at + len(seq) - 1] + 1])
        at += len(seq)
    return spans if at == len(data) else None


def locate(text, tokens):
    """engine/tokenizer.ts `locate`: each token's text searched from the end of the previous one; a
    token not found (normalised text, byte-level symbols) gets an empty span there."""
    spans = []
    at = 0
    for raw in tokens:
        token = re.sub(r"^Ġ", " ", re.sub(r"^▁", " ", re.sub(r"^##", "", raw or "")))
        probe = token.strip() or token
        found = text.find(probe, at) if probe else -1
        if found < 0:
            spans.append([at, at])
        else:
            spans.append([found, found + len(probe)])
            at = found + len(probe)
    return spans
