"""Flags shared by the commands, with the defaults and checks of the engine's CLI
(engine/cli/flags.ts and commands/trace.ts): the prompt options, the device and the dtype."""
import json


class UsageError(ValueError):
    """A bad flag: one line."""


def integer(flag, value, minimum):
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = None
    if n is None or str(n) != str(value).strip() or n < minimum:
        raise UsageError(f"--{flag} must be an integer ≥ {minimum}, got \"{value}\"")
    return n


def positive_list(flag, value):
    try:
        items = [int(s.strip()) for s in str(value).split(",")]
    except ValueError:
        items = []
    if not items or any(n < 1 for n in items):
        raise UsageError(f"--{flag} must be positive integers separated by commas, got \"{value}\"")
    return items


def percent(flag, value):
    try:
        pct = float(str(value).strip().rstrip("%"))
    except ValueError:
        pct = float("nan")
    if not 0 <= pct <= 100:
        raise UsageError(f"--{flag} must be a percentage 0–100, got \"{value}\"")
    return pct / 100


def add_book_flags(p, depth_default="50"):
    p.add_argument("--variant", default="standard", choices=["standard", "reversed"], help="book then query, or the query first")
    p.add_argument("--format", default="question", choices=["bare", "question"], help="`Name:` then 10 digits, or the study's question and NNN-NNN-NNNN")
    p.add_argument("--depth", default=depth_default, metavar="PCT", help="where the asked entry sits, 0–100 %%")
    p.add_argument("--shots", default="2", metavar="N", help="few-shot examples before the query (default 2)")
    p.add_argument("--seed", default="0", metavar="S", help="seed of the generator: the same seed, the same book (default 0)")


def add_device_flags(p):
    p.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"],
                   help="weights' dtype: auto = as stored on a GPU, float32 on the CPU")
    p.add_argument("--device-map", default=None, metavar="MAP",
                   help='where the model runs: cuda, cpu, cuda:1, auto (several GPUs, needs accelerate) or a JSON '
                        'object {"module": device}; default cuda when a GPU is present, else cpu')


def device_map(value):
    if value is None or not value.strip().startswith("{"):
        return value
    try:
        m = json.loads(value)
    except ValueError as e:
        raise UsageError(f"--device-map: not a JSON object ({e})") from None
    if not isinstance(m, dict):
        raise UsageError("--device-map: not a JSON object")
    return m
