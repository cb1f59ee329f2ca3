"""HybridScope's capture package: run a checkpoint in PyTorch/transformers with forward hooks that
compute the engine's probes (engine/probes/) and write the run as a trace file (engine/trace/FORMAT.md).

Dimension letters, as engine/README.md: T tokens, D width, H heads, P head dim, N state size,
G groups, K conv width, R focus rows, S pooled side, E phonebook entries, I Mamba-1 d_inner.
"""
__version__ = "0.1.0"
PRODUCER = f"hybridscope-capture {__version__}"
