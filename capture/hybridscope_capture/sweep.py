"""`sweep`: the phonebook recall sweep of `hybridscope phonebook` (engine/phonebook/sweep.ts,
results.ts) run in transformers, with the same books (sample k of every point has seed
derive_seed(seed, k)), the same greedy answers to the end of their line and the same scores, written
in the CLI's JSON: --json prints the report {"model", "layout", "variant", "format", "seed",
"results": [...]}, --out writes every sample (the engine's SweepResult)."""
import sys
import time

from .cli_args import UsageError, add_book_flags, add_device_flags, device_map, integer, percent, positive_list
from .phonebook import derive_seed
from .trace_file import to_json


def parser(sub):
    p = sub.add_parser("sweep", help="phonebook accuracy over book lengths, in the JSON of `hybridscope phonebook`",
                       description="The phonebook recall sweep in transformers. Example: python -m hybridscope_capture "
                                   "sweep assets/models/hybrid --entries 10,40 --samples 20 --seed 1 --json")
    p.add_argument("model_dir")
    p.add_argument("--entries", metavar="N[,N…]", help="book lengths in entries")
    p.add_argument("--tokens", metavar="N[,N…]", help="book lengths as token budgets (the model's tokenizer)")
    add_book_flags(p, depth_default=None)
    p.add_argument("--samples", default="20", metavar="K", help="samples per point (default 20)")
    p.add_argument("--decode", default="cache", choices=["cache", "recompute"], help="as for trace")
    add_device_flags(p)
    p.add_argument("--out", metavar="FILE", help="also write every sample as JSON")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(run=run_sweep)


def summarise(key, samples):
    """engine/phonebook/sweep.ts summarise."""
    wrong = [s for s in samples if not s["exact"]]

    def digits(of):
        return sum(s["digitsRight"] for s in of) / sum(sum(c.isdigit() for c in s["answer"]) for s in of)

    def share(f):
        return sum(1 for s in wrong if f(s)) / len(wrong) if wrong else None
    n = len(samples)
    return {**key, "samples": n, "accuracy": sum(1 for s in samples if s["exact"]) / n, "digitAccuracy": digits(samples),
            "wrongDigitAccuracy": digits(wrong) if wrong else None,
            "wrongOtherEntry": share(lambda s: s["retrieved"] is not None),
            "wrongSameName": share(lambda s: s["retrieved"] is not None and (s["retrieved"]["sharesFirst"] or s["retrieved"]["sharesLast"])),
            "meanTokens": sum(s["promptTokens"] for s in samples) / n, "meanEntries": sum(s["entries"] for s in samples) / n}


def cli_report(result, head):
    """engine/phonebook/results.ts cliReport."""
    return {**head, "seed": result["seed"], "cancelled": result["cancelled"], "results": [{
        "entries": p["entries"] if p["entries"] is not None else p["meanEntries"], "tokens": p["tokens"], "depth": p["depth"],
        "mean_tokens": p["meanTokens"], "samples": p["samples"], "accuracy": p["accuracy"], "digit_accuracy": p["digitAccuracy"],
        "wrong_digit_accuracy": p["wrongDigitAccuracy"], "wrong_other_entry": p["wrongOtherEntry"], "wrong_same_name": p["wrongSameName"],
    } for p in result["points"]]}


def score_sample(decoder, tok, stops, book):
    """engine/phonebook/score.ts scorePrompt: the study's prompt (ending `Name:`), greedy to the end of
    the answer line, at most the completion's tokens plus 4."""
    from .model_io import greedy
    from .score import score_in_book
    ids, _ = tok.encode(book["text"])
    budget = len(tok.encode(book["completion"])[0]) + 4
    out = list(greedy(decoder, decoder.prefill(ids), budget, stop=stops))
    generated = tok.decode([c[0] for c in out])
    n = len(book["entries"])
    return {"seed": book["seed"], "entries": n, "promptTokens": len(ids), "target": book["target"],
            "depth": book["target"] / (n - 1) if n > 1 else 0, "answer": book["answer"], "generated": generated,
            "generatedIds": [c[0] for c in out], "logprobs": [c[1] for c in out],
            **score_in_book(generated, book["answer"], book["entries"], book["target"])}


def run_sweep(args):
    from .families import blocks_of, layout_of
    from .model_io import Decoder, load
    from .prompt import book

    if (args.entries is None) == (args.tokens is None):
        raise UsageError("give --entries or --tokens (one of them)")
    lengths = [{"entries": n, "tokens": None} for n in positive_list("entries", args.entries)] if args.entries is not None \
        else [{"entries": None, "tokens": n} for n in positive_list("tokens", args.tokens)]
    depths = [None] if args.depth is None else [percent("depth", d) for d in str(args.depth).split(",")]
    samples, seed, shots = integer("samples", args.samples, 1), integer("seed", args.seed, 0), integer("shots", args.shots, 0)
    model, tok = load(args.model_dir, args.dtype, device_map(args.device_map))
    if tok is None:
        raise UsageError(f"{args.model_dir}/tokenizer.json: missing (the phonebook is tokenized with the model's own tokenizer)")
    layout = layout_of(blocks_of(model))
    decoder = Decoder(model, args.decode)
    memo = {}

    def stops(i):  # score.ts newlineStopper
        if i not in memo:
            memo[i] = "\n" in tok.decode([i])
        return memo[i]

    keys = [{"model": args.model_dir, "layout": layout, "format": args.format, "variant": args.variant, **length, "depth": d}
            for length in lengths for d in depths]
    result = {"seed": seed, "points": [], "samples": [], "done": 0, "total": len(keys) * samples, "cancelled": False, "elapsedMs": 0}
    start = time.perf_counter()
    try:
        for key in keys:
            scored = []
            try:
                for k in range(samples):
                    b = book(tok, key["format"], key["variant"], key["entries"], key["tokens"], key["depth"], shots, derive_seed(seed, k))
                    s = score_sample(decoder, tok, stops, b)
                    scored.append(s)
                    result["samples"].append({**key, **s})
                    result["done"] += 1
                    if sys.stderr.isatty():
                        print(f"\rsweep: {result['done']}/{result['total']} samples", end="", file=sys.stderr)
            finally:
                if scored:
                    result["points"].append(summarise(key, scored))
    except KeyboardInterrupt:
        result["cancelled"] = True
    if sys.stderr.isatty():
        print(file=sys.stderr)
    result["elapsedMs"] = 1000 * (time.perf_counter() - start)
    report = cli_report(result, {"model": args.model_dir, "layout": layout, "variant": args.variant, "format": args.format,
                                 "depth": depths[0] if len(depths) == 1 else None})
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(to_json(result) + "\n")
    if args.json:
        print(to_json(report))
    else:
        pct = lambda x: "-" if x is None else f"{100 * x:.1f}"  # noqa: E731
        print(f"{report['model']} {layout} {args.format}/{args.variant} seed {seed}{' (cancelled)' if result['cancelled'] else ''}")
        print("budget\tentries\ttokens\tsamples\texact %\tdigits %\twrong: other entry %\twrong: same name %")
        for r in report["results"]:
            print("\t".join(str(x) for x in [r["tokens"] or "", r["entries"], f"{r['mean_tokens']:.0f}", r["samples"], pct(r["accuracy"]),
                                              pct(r["digit_accuracy"]), pct(r["wrong_other_entry"]), pct(r["wrong_same_name"])]))
    return 130 if result["cancelled"] else 0

