"""A checkpoint's tokenizer.json as the engine reads it (engine/tokenizer.ts): no special tokens
added, character offsets found by locating each token's text left to right, and decoding as
@huggingface/tokenizers does (special tokens kept; clean_up_tokenization_spaces, default true, from
tokenizer_config.json). The same ids, spans and texts as the engine make the same prompt."""
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
        self.unk = json.loads(self.tok.to_str())["model"].get("unk_token")
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
