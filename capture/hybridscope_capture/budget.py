"""The capture spec, its plan for one run and the capture budget: the rules of engine/probes/plan.ts,
engine/probes/budget.ts and DEFAULT_CAPTURE (engine/run.ts), so that a trace from PyTorch holds the
same arrays, and drops the same ones, as the engine's trace of the same run."""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_BUDGET_BYTES = 64 * 2 ** 20
MAX_POOLED_SIZE = 512
DEFAULT_POOLED_SIZE = 256  # engine/probes/plan.ts DEFAULT_POOLED_SIZE: where a spec names none, the app's runs included

# What the app runs (engine/run.ts DEFAULT_CAPTURE), and what a trace records (TRACE_CAPTURE: no
# on-demand context, which a file does not hold); written as is into the header.
DEFAULT_CAPTURE = {"attention": True, "ssm": True, "states": True, "focus": [], "pooledSize": DEFAULT_POOLED_SIZE,
                   "budgetBytes": DEFAULT_BUDGET_BYTES}
TRACE_BUDGET_BYTES = 250_000_000  # engine/run.ts TRACE_BUDGET_BYTES: a file on disk, for models too large to run here
TRACE_CAPTURE = {**DEFAULT_CAPTURE, "keepContext": False, "budgetBytes": TRACE_BUDGET_BYTES}


def format_bytes(n):
    """engine/io/config.ts formatBytes, with JavaScript's toFixed (half up on the exact value)."""
    units = ["B", "KB", "MB", "GB", "TB", "PB"]
    v, u = Decimal(n), 0
    while v >= 1024 and u < len(units) - 1:
        v /= 1024
        u += 1
    digits = Decimal("0.1") if v < 10 and u > 0 else Decimal("1")
    return f"{v.quantize(digits, rounding=ROUND_HALF_UP)} {units[u]}"


@dataclass
class Plan:
    """A capture spec resolved against a prompt of T tokens (planCapture)."""
    attention: bool
    ssm: bool
    moe: bool
    states: bool
    focus: list
    entries: list
    pooled_size: int
    mamba1_groups: int
    budget_bytes: int
    keep_context: bool
    notices: list = field(default_factory=list)


def plan_capture(spec, T):
    focus_in = spec.get("focus")
    if focus_in is None:
        focus_in = [T - 1]
    focus = sorted({t for t in focus_in if isinstance(t, int) and 0 <= t < T})
    notices = [] if len(focus) == len(set(focus_in)) else [f"focus rows outside 0..{T - 1} were ignored"]
    entries = [[max(0, min(a, T)), max(0, min(b, T))] for a, b in spec.get("entries", [])]
    defaults = spec.get("defaults", True)
    ssm = defaults and spec.get("ssm", True)
    return Plan(
        attention=defaults and spec.get("attention", True), ssm=ssm, moe=defaults and spec.get("moe", True),
        states=ssm and spec.get("states", True),
        focus=focus, entries=entries,
        pooled_size=max(1, min(MAX_POOLED_SIZE, int(spec.get("pooledSize", DEFAULT_POOLED_SIZE)))),
        mamba1_groups=spec.get("mamba1Groups", 16), budget_bytes=spec.get("budgetBytes", DEFAULT_BUDGET_BYTES),
        keep_context=spec.get("keepContext", True), notices=notices)


class CaptureBudget:
    """Every captured array is charged before it is computed; what does not fit is dropped with a notice.
    A probe layer (any block but an MLP) may take at most an equal share of what is left when it starts
    (budget.ts: fair shares). With keepContext the engine also charges what its on-demand tiles recompute
    from (q/k, dt/B/C): a trace holds no tiles, but the same charges keep the same arrays."""

    def __init__(self, limit):
        self.limit = limit
        self.used = 0
        self.notices = []
        self.share = float("inf")
        self.layer_used = 0

    def begin_layer(self, probe_layers_left):
        self.layer_used = 0
        self.share = max(0, self.limit - self.used) / probe_layers_left if probe_layers_left > 0 else float("inf")

    def take(self, nbytes, what):
        if self.used + nbytes > self.limit:
            self.notices.append(f"dropped {what} ({format_bytes(nbytes)}): capture budget {format_bytes(self.limit)} reached")
            return False
        if self.layer_used + nbytes > self.share:
            self.notices.append(f"dropped {what} ({format_bytes(nbytes)}): over this layer's share of the capture budget "
                                f"({format_bytes(self.share)} of {format_bytes(self.limit)})")
            return False
        self.used += nbytes
        self.layer_used += nbytes
        return True

    def charge(self, nbytes):
        self.used += nbytes

    def floats(self, n, what):
        """Whether n float32 values for `what` fit (the engine allocates them here)."""
        return self.take(4 * n, what)
