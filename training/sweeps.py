"""The engine's sweep files (`hybridscope phonebook … --out`), as cards.py, same_name.py and
forced_digits.py read them: where each one is, and the book behind each of its samples.
Standard library only.
"""

import os

import phonebook

EVAL_SEED = 1_000_000  # `hybridscope phonebook --seed 1000000`: train.py's evaluation prompts too


def sweep_file(folder, model_id, fmt, variant="standard", seed=EVAL_SEED):
    """<folder>/<id>-<format>-<variant>-<seed>.samples.json"""
    return os.path.join(folder, f"{model_id}-{fmt}-{variant}-{seed}.samples.json")


def book_of(sample):
    """The prompt the CLI scored as this sample, rebuilt from its seed by phonebook.py (the engine
    generator's twin, with the study's 2 look-ups as the CLI draws them); the answer is checked."""
    book = phonebook.make_phonebook(sample["format"], sample["variant"], sample["entries"], None, 2, sample["seed"])
    if book["answer"] != sample["answer"]:
        raise ValueError(f"sample seed {sample['seed']} rebuilds another book (answer {book['answer']})")
    return book
