"""Forward passes for transformers' Mamba mixers that use the scans of scans.py (training only).

They follow the mixers' torch paths line for line except for the scan, take no cache, and are
installed per module with `use_fast_mixers(model)`; bench.py compares them with the originals.
"""

import os
import types

import torch
import torch.nn.functional as F

from torch.utils.checkpoint import checkpoint

from scans import selective_scan_chunked, ssd_chunked

try:  # Triton is on the GPU machine; elsewhere the chunked PyTorch scan stands in
    from linear_scan import selective_scan_triton
except ImportError:
    selective_scan_triton = None
try:
    from selective_scan import selective_scan_fused
except ImportError:
    selective_scan_fused = None

SSD_CHUNK = 64
SCAN_CHUNK = 32
# "fused" (selective_scan.py: no (b, T, D, n) tensors; check_selective_scan.py on the H200, fifth
# session: relative error <= 4.6e-6 against the chunked scan, 5.5-6.5x faster than "triton" with 7-8.5x
# less memory), "triton" (linear_scan.py: what every model until then was trained with) or "chunked"
MAMBA1_SCAN = os.environ.get("HYBRIDSCOPE_MAMBA1_SCAN", "fused")
RECOMPUTE = False  # about 2 GB a layer at batch 32 x 900 tokens: the H200 has room


def mamba2_forward(self, hidden_states, cache_params=None, attention_mask=None, **kwargs):
    """NemotronHMamba2Mixer / Mamba2Mixer without cache: in_proj, conv, SSD, gated norm, out_proj."""
    assert cache_params is None, "fast mixers are for training (no cache)"
    b, T, _ = hidden_states.shape
    dtype = hidden_states.dtype
    H, P, G, N = self.num_heads, self.head_dim, self.n_groups, self.ssm_state_size
    proj = self.in_proj(hidden_states)
    d_mlp = (proj.shape[-1] - 2 * self.intermediate_size - 2 * G * N - H) // 2
    _, _, gate, xBC, dt = proj.split([d_mlp, d_mlp, self.intermediate_size, self.conv_dim, H], dim=-1)
    xBC = self.act(self.conv1d(xBC.transpose(1, 2))[..., :T].transpose(1, 2))   # (b, T, conv_dim)
    x, B, C = xBC.split([self.intermediate_size, G * N, G * N], dim=-1)
    dt = F.softplus(dt.float() + self.dt_bias.float())                          # (b, T, H)
    dt = torch.clamp(dt, self.time_step_limit[0], self.time_step_limit[1])   # as transformers 5.17 does
    A = -torch.exp(self.A_log.float())                                          # (H,)
    x = x.reshape(b, T, H, P).float()
    y, _ = ssd_chunked(x, dt, A, B.reshape(b, T, G, N).float(), C.reshape(b, T, G, N).float(), SSD_CHUNK)
    y = y + x * self.D.float()[:, None]                                         # (b, T, H, P)
    y = self.norm(y.reshape(b, T, -1), gate)
    return self.out_proj(y.to(dtype))


def mamba1_forward(self, hidden_states, cache_params=None, cache_position=None, attention_mask=None, **kwargs):
    """MambaMixer without cache: in_proj -> x|z, conv, x_proj -> dt|B|C, dt_proj, scan, D, gate."""
    assert cache_params is None, "fast mixers are for training (no cache)"
    b, T, _ = hidden_states.shape
    dtype = hidden_states.dtype
    x, gate = self.in_proj(hidden_states).transpose(1, 2).chunk(2, dim=1)      # (b, D, T) each
    x = self.act(self.conv1d(x)[..., :T]).transpose(1, 2)                       # (b, T, D)
    dtr, B, C = self.x_proj(x).split([self.time_step_rank, self.ssm_state_size, self.ssm_state_size], dim=-1)
    dt = F.softplus(self.dt_proj(dtr).float())                                  # (b, T, D)
    A = -torch.exp(self.A_log.float())                                          # (D, n)
    gpu = x.is_cuda  # the Triton kernels run on the GPU only; on the CPU the chunked scan
    if MAMBA1_SCAN == "fused" and selective_scan_fused is not None and gpu:  # keeps chunk-start states
        y, _ = selective_scan_fused(x.float(), dt, A, B.float(), C.float())
    elif MAMBA1_SCAN == "triton" and selective_scan_triton is not None and gpu:
        args = (x.float(), dt, A, B.float(), C.float())
        if RECOMPUTE and self.training and torch.is_grad_enabled():  # trade time for (b, T, D, n) memory
            y, _ = checkpoint(selective_scan_triton, *args, use_reentrant=False)
        else:
            y, _ = selective_scan_triton(*args)
    else:
        y, _ = selective_scan_chunked(x.float(), dt, A, B.float(), C.float(), SCAN_CHUNK,
                                      recompute=self.training)
    y = (y + x.float() * self.D.float()) * self.act(gate.transpose(1, 2).float())
    return self.out_proj(y.to(dtype))


def use_fast_mixers(model):
    n = 0
    for module in model.modules():
        name = type(module).__name__
        if name in ("NemotronHMamba2Mixer", "Mamba2Mixer"):
            module.forward = types.MethodType(mamba2_forward, module)
            n += 1
        elif name == "MambaMixer":
            module.forward = types.MethodType(mamba1_forward, module)
            n += 1
    return n
