"""`python -m hybridscope_capture <command>`: trace (a run recorded as a trace file), sweep (phonebook
accuracy in the CLI's JSON) and make-random (a random-weight checkpoint of the study's 8B hybrid).
Bad input is one line on stderr and exit code 2."""
import argparse
import os
import sys
import time

from . import __version__
from .cli_args import UsageError, add_book_flags, add_device_flags, device_map, integer, percent


def trace_parser(sub):
    p = sub.add_parser("trace", help="run a prompt with every probe and write the run as a trace file",
                       description="Run a prompt in transformers with the engine's probes as hooks and write a trace "
                                   "(engine/trace/FORMAT.md). Example: python -m hybridscope_capture trace "
                                   "assets/models/hybrid --entries 40 --seed 1 --out run.hstrace")
    p.add_argument("model_dir")
    g = p.add_argument_group("prompt (one of)")
    g.add_argument("--entries", metavar="N", help="a phonebook of N entries")
    g.add_argument("--tokens", metavar="N", help="a phonebook of about N tokens (the model's tokenizer)")
    g.add_argument("--text", help="a free-text prompt instead of a phonebook")
    g.add_argument("--prompt-ids", metavar="FILE", help="token ids, a JSON array")
    g.add_argument("--like", metavar="TRACE", help="the prompt (and generation settings) of an existing trace, exactly")
    add_book_flags(p)
    p.add_argument("--layout", help="not supported here: the capture runs the checkpoint's own layer order")
    p.add_argument("--max-new-tokens", default="32", metavar="N", help="most tokens to generate (a phonebook answer ends at its line)")
    p.add_argument("--decode", default="cache", choices=["cache", "recompute"],
                   help="generate through transformers' cache (default), or recompute the whole sequence per token "
                        "(the engine's exact decoding; slower)")
    p.add_argument("--budget-bytes", metavar="N", help="the capture budget in bytes; each probe layer gets a fair share (default 250 MB, as hybridscope trace)")
    p.add_argument("--keep-context", action="store_true",
                   help="charge the budget for what the app keeps to recompute tiles (q/k, dt/B/C) as a live run does, "
                        "though a trace never holds it (default: not charged, as `hybridscope trace`)")
    add_device_flags(p)
    p.add_argument("--out", required=True, metavar="FILE", help="where to write the trace; - streams it to stdout")
    p.set_defaults(run=run_trace)


def prompt_maker(args):
    """Checks the prompt flags (before any model is loaded) and returns (tok, vocab_size) → (prompt,
    maxNewTokens or None, topK or None, how the prompt was asked for or None: the header's promptSpec)."""
    from .prompt import PromptError, ids_prompt, like_prompt, phonebook_prompt, read_ids, text_prompt
    given = [f for f in ("entries", "tokens", "text", "prompt_ids", "like") if getattr(args, f) is not None]
    if len(given) != 1:
        raise UsageError("give one of --entries, --tokens, --text, --prompt-ids or --like"
                         + (f" (got --{', --'.join(g.replace('_', '-') for g in given)})" if given else ""))
    if args.like is not None:
        like = like_prompt(args.like)
        return lambda tok, V: like
    if args.prompt_ids is not None:
        ids = read_ids(args.prompt_ids)
        return lambda tok, V: (ids_prompt(tok, ids, V), None, None, None)

    def need(tok):
        if tok is None:
            raise PromptError(f"{args.model_dir}/tokenizer.json: missing (phonebook and text prompts need the model's tokenizer; give --prompt-ids)")
        return tok
    if args.text is not None:
        return lambda tok, V: (text_prompt(need(tok), args.text), None, None, {"kind": "text", "text": args.text})
    length = {"entries": integer("entries", args.entries, 1)} if args.entries is not None else {"tokens": integer("tokens", args.tokens, 1)}
    book = dict(fmt=args.format, variant=args.variant, depth=percent("depth", args.depth), shots=integer("shots", args.shots, 0),
                seed=integer("seed", args.seed, 0), **length)
    asked = {"kind": "phonebook", "seed": book["seed"], "spec": {
        **({"entries": book["entries"]} if "entries" in book else {"tokenBudget": book["tokens"]}),
        "depth": book["depth"], "variant": book["variant"], "format": book["fmt"], "fewShot": book["shots"]}}
    return lambda tok, V: (phonebook_prompt(need(tok), **book), None, None, asked)


def run_trace(args):
    import torch

    from .budget import TRACE_CAPTURE
    from .model_io import load
    from .run import capture
    from .trace_file import TraceWriter

    if args.layout is not None:
        raise UsageError("--layout is not supported by the capture package (it runs the checkpoint's own layer order); trace edited layouts with `npx hybridscope trace`")
    max_new = integer("max-new-tokens", args.max_new_tokens, 1)
    spec = dict(TRACE_CAPTURE)
    if args.budget_bytes is not None:
        spec["budgetBytes"] = integer("budget-bytes", args.budget_bytes, 0)
    if args.keep_context:
        spec["keepContext"] = True
    if args.out != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        raise UsageError(f"--out {args.out}: its folder does not exist")
    make_prompt = prompt_maker(args)
    started = time.perf_counter()
    model, tok = load(args.model_dir, args.dtype, device_map(args.device_map))
    prompt, like_max, like_top, prompt_spec = make_prompt(tok, model.config.vocab_size)
    if max(prompt["ids"]) >= model.config.vocab_size:
        raise UsageError(f"the prompt has token id {max(prompt['ids'])}, outside this model's vocabulary 0..{model.config.vocab_size - 1}")
    if like_max is not None and args.max_new_tokens == "32":
        max_new = like_max
    loaded = time.perf_counter()
    if torch.cuda.is_available():
        for d in range(torch.cuda.device_count()):
            torch.cuda.reset_peak_memory_stats(d)
    writer = TraceWriter(args.out)
    try:
        summary = capture(model, tok, prompt, writer, name=os.path.basename(os.path.normpath(args.model_dir)),
                          capture_spec=spec, max_new_tokens=max_new, top_k=like_top if like_top is not None else 5,
                          decode=args.decode, prompt_spec=prompt_spec)
    except BaseException:
        writer.abandon()
        raise
    took = time.perf_counter() - loaded
    peak = ""
    if torch.cuda.is_available():
        gib = [torch.cuda.max_memory_allocated(d) / 2 ** 30 for d in range(torch.cuda.device_count())]
        peak = f"; peak GPU memory {' + '.join(f'{g:.2f}' for g in gib)} GiB (torch.cuda.max_memory_allocated)"
    score = ""
    if "exact" in summary:
        digits = f"{round(100 * summary['digitAccuracy'])} % of digits"
        score = f" (expected {summary['expected']!r}: {'exact' if summary['exact'] else digits})"
    print(f"wrote a trace of {len(summary['blocks'])} layers, {summary['promptTokens']} prompt tokens, {writer.bytes} bytes "
          f"to {'stdout' if args.out == '-' else args.out}; load {loaded - started:.1f} s, capture {took:.2f} s "
          f"(prefill with probes {summary['timings']['prefillMs'] / 1000:.2f} s){peak}; "
          f"answer {summary['generatedText'].strip()!r}{score}", file=sys.stderr)
    return 0


def main(argv=None):
    from . import random_model, sweep
    ap = argparse.ArgumentParser(prog="python -m hybridscope_capture", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"hybridscope-capture {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    trace_parser(sub)
    sweep.parser(sub)
    random_model.parser(sub)
    args = ap.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("hybridscope-capture: interrupted", file=sys.stderr)
        return 130
    except (UsageError, ValueError, OSError, RuntimeError) as e:
        if os.environ.get("HYBRIDSCOPE_DEBUG") or (isinstance(e, RuntimeError) and "out of memory" not in str(e)):
            raise  # a bug, not bad input: the whole traceback
        print(f"hybridscope-capture: {args.command}: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
