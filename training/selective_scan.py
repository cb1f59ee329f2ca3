"""Fused selective scan for Mamba-1 training: two Triton kernels, no (b, T, D, n) tensor anywhere.

    h_t = exp(dt_t A) * h_{t-1} + dt_t u_t B_t      (per channel d and state index n)
    y_t[d] = sum_n C_t[n] h_t[d, n]

Same contract and float32 maths as scans.selective_scan_chunked and linear_scan.selective_scan_triton;
the Mamba paper (arXiv 2312.00752) section 3.3 describes the same idea (the state lives in fast
memory, only the inputs and y touch HBM, states are recomputed in the backward). Our own design:

forward   one program per (batch, block of BLOCK_D channels) holds the (BLOCK_D, n) state in
          registers, reads u, dt, B, C one step at a time (the next step's are loaded while this one
          computes), writes y, and keeps only the state each chunk of CHUNK steps starts from (hs).
backward  the same programs walk the chunks last to first. Each chunk's states are recomputed from
          hs into a per-program scratch buffer in global memory (CHUNK x BLOCK_D x n floats, L2-sized
          traffic), then the reverse recurrence runs over the chunk reading them back. Why a scratch
          buffer: registers cannot be indexed by a loop variable; re-running the recurrence from the
          chunk start for every step costs CHUNK/2 times the work; and running h backwards,
          h_{t-1} = (h_t - dt u B) / exp(dt A), divides by decays that underflow to 0.
          Gradients (g_t = dL/dh_t; "carry" = exp(dt_{t+1} A) g_{t+1}):
            g_t   = C_t dy_t + carry                      carry <- exp(dt_t A) g_t
            du_t  = dt_t sum_n g_t B_t                    ddt_t = sum_n g_t (A exp(dt_t A) h_{t-1} + u_t B_t)
            dA   += g_t h_{t-1} dt_t exp(dt_t A)          (registers; one (b, D, n) partial, summed here)
            dB_t  = sum_d g_t dt_t u_t                    dC_t  = sum_d dy_t h_t
          dB and dC sum over channels, so each channel block writes its own partial (b, D/BLOCK_D, T, n)
          and PyTorch sums them: no atomics, the result does not depend on scheduling.
Steps past T read zeros (masked loads): dt = 0 keeps the state and passes the gradient unchanged.

Twin: check_scan_math.py (numpy, the same loops line for line, gradients checked against finite
differences); check_selective_scan.py compares these kernels with it and with the chunked scan on the GPU.
Glossary: b batch, T tokens, D channels (d_inner), n state, Q = CHUNK, c = ceil(T / Q) chunks.
"""

import torch
import triton
import triton.language as tl

CHUNK = 64      # steps between the states the forward keeps for the backward
BLOCK_D = 16    # channels per program: b * D / BLOCK_D programs run side by side
NUM_WARPS = 1   # one warp: the sums over channels (dB, dC) need no barrier; a guess until measured


@triton.jit
def _fwd(y_ptr, hs_ptr, final_ptr, u_ptr, dt_ptr, A_ptr, B_ptr, C_ptr, T, D, N, n_chunks,
         CHUNK: tl.constexpr, BLOCK_D: tl.constexpr, BLOCK_N: tl.constexpr):
    pid_b = tl.program_id(0).to(tl.int64)
    d = tl.program_id(1) * BLOCK_D + tl.arange(0, BLOCK_D)              # (BLOCK_D,)
    nn = tl.arange(0, BLOCK_N)                                          # (BLOCK_N,)
    mask_d = d < D
    mask_n = nn < N
    mask_dn = mask_d[:, None] & mask_n[None, :]                         # (BLOCK_D, BLOCK_N)
    off_dn = d[:, None] * N + nn[None, :]                               # (BLOCK_D, BLOCK_N) in a (D, n) matrix
    A = tl.load(A_ptr + off_dn, mask=mask_dn, other=0.0)
    u_base = pid_b * T * D                                              # u, dt, y: (b, T, D)
    bc_base = pid_b * T * N                                             # B, C: (b, T, n)
    # step 0's inputs; inside the loop step t + 1's are loaded while step t computes
    u_n = tl.load(u_ptr + u_base + d, mask=mask_d, other=0.0)
    dt_n = tl.load(dt_ptr + u_base + d, mask=mask_d, other=0.0)
    B_n = tl.load(B_ptr + bc_base + nn, mask=mask_n, other=0.0)
    C_n = tl.load(C_ptr + bc_base + nn, mask=mask_n, other=0.0)
    h = tl.zeros([BLOCK_D, BLOCK_N], dtype=tl.float32)
    for k in range(n_chunks):
        tl.store(hs_ptr + (pid_b * n_chunks + k) * D * N + off_dn, h, mask=mask_dn)
        for j in range(CHUNK):
            t = k * CHUNK + j
            u_t = u_n
            dt_t = dt_n
            B_t = B_n
            C_t = C_n
            nxt = (t + 1) < T
            u_n = tl.load(u_ptr + u_base + (t + 1) * D + d, mask=mask_d & nxt, other=0.0)
            dt_n = tl.load(dt_ptr + u_base + (t + 1) * D + d, mask=mask_d & nxt, other=0.0)
            B_n = tl.load(B_ptr + bc_base + (t + 1) * N + nn, mask=mask_n & nxt, other=0.0)
            C_n = tl.load(C_ptr + bc_base + (t + 1) * N + nn, mask=mask_n & nxt, other=0.0)
            decay = tl.exp(dt_t[:, None] * A)                           # (BLOCK_D, BLOCK_N)
            h = decay * h + (dt_t * u_t)[:, None] * B_t[None, :]
            y_t = tl.sum(h * C_t[None, :], axis=1)                      # (BLOCK_D,)
            tl.store(y_ptr + u_base + t * D + d, y_t, mask=mask_d & (t < T))
    tl.store(final_ptr + pid_b * D * N + off_dn, h, mask=mask_dn)


@triton.jit
def _bwd(du_ptr, ddt_ptr, dA_ptr, dB_ptr, dC_ptr, scratch_ptr,
         u_ptr, dt_ptr, A_ptr, B_ptr, C_ptr, hs_ptr, dy_ptr, dfinal_ptr, T, D, N, n_chunks,
         CHUNK: tl.constexpr, BLOCK_D: tl.constexpr, BLOCK_N: tl.constexpr):
    pid_b = tl.program_id(0).to(tl.int64)
    pid_d = tl.program_id(1)
    d = pid_d * BLOCK_D + tl.arange(0, BLOCK_D)                         # (BLOCK_D,)
    nn = tl.arange(0, BLOCK_N)                                          # (BLOCK_N,)
    mask_d = d < D
    mask_n = nn < N
    mask_dn = mask_d[:, None] & mask_n[None, :]                         # (BLOCK_D, BLOCK_N)
    off_dn = d[:, None] * N + nn[None, :]
    A = tl.load(A_ptr + off_dn, mask=mask_dn, other=0.0)
    u_base = pid_b * T * D                                              # u, dt, dy, du, ddt: (b, T, D)
    bc_base = pid_b * T * N                                             # B, C: (b, T, n)
    part_base = (pid_b * tl.num_programs(1) + pid_d) * T * N            # dB, dC partials: (b, D blocks, T, n)
    TILE = BLOCK_D * BLOCK_N
    prog = pid_b * tl.num_programs(1) + pid_d
    scratch = scratch_ptr + prog * CHUNK * TILE                         # this program's (CHUNK, BLOCK_D, BLOCK_N)
    off_tile = tl.arange(0, BLOCK_D)[:, None] * BLOCK_N + nn[None, :]   # (BLOCK_D, BLOCK_N), dense
    carry = tl.load(dfinal_ptr + pid_b * D * N + off_dn, mask=mask_dn, other=0.0)
    dA_acc = tl.zeros([BLOCK_D, BLOCK_N], dtype=tl.float32)
    for kk in range(n_chunks):
        k = n_chunks - 1 - kk
        t0 = k * CHUNK
        # 1. recompute the chunk's states from the one the forward kept; slot j = h_{t0+j-1}
        h = tl.load(hs_ptr + (pid_b * n_chunks + k) * D * N + off_dn, mask=mask_dn, other=0.0)
        u_n = tl.load(u_ptr + u_base + t0 * D + d, mask=mask_d, other=0.0)
        dt_n = tl.load(dt_ptr + u_base + t0 * D + d, mask=mask_d, other=0.0)
        B_n = tl.load(B_ptr + bc_base + t0 * N + nn, mask=mask_n, other=0.0)
        for j in range(CHUNK):
            t = t0 + j
            u_t = u_n
            dt_t = dt_n
            B_t = B_n
            nxt = ((t + 1) < T) & (j + 1 < CHUNK)
            u_n = tl.load(u_ptr + u_base + (t + 1) * D + d, mask=mask_d & nxt, other=0.0)
            dt_n = tl.load(dt_ptr + u_base + (t + 1) * D + d, mask=mask_d & nxt, other=0.0)
            B_n = tl.load(B_ptr + bc_base + (t + 1) * N + nn, mask=mask_n & nxt, other=0.0)
            tl.store(scratch + j * TILE + off_tile, h)
            decay = tl.exp(dt_t[:, None] * A)
            h = decay * h + (dt_t * u_t)[:, None] * B_t[None, :]
        tl.debug_barrier()  # the scratch written above is read below, possibly by other threads
        # 2. the reverse recurrence; h_t starts as the chunk's last state, still in registers
        h_t = h
        t_last = t0 + CHUNK - 1                                         # the chunk's last step
        u_n = tl.load(u_ptr + u_base + t_last * D + d, mask=mask_d & (t_last < T), other=0.0)
        dt_n = tl.load(dt_ptr + u_base + t_last * D + d, mask=mask_d & (t_last < T), other=0.0)
        dy_n = tl.load(dy_ptr + u_base + t_last * D + d, mask=mask_d & (t_last < T), other=0.0)
        B_n = tl.load(B_ptr + bc_base + t_last * N + nn, mask=mask_n & (t_last < T), other=0.0)
        C_n = tl.load(C_ptr + bc_base + t_last * N + nn, mask=mask_n & (t_last < T), other=0.0)
        hp_n = tl.load(scratch + (CHUNK - 1) * TILE + off_tile)
        for i in range(CHUNK):
            j = CHUNK - 1 - i
            t = t0 + j
            u_t = u_n
            dt_t = dt_n
            dy_t = dy_n
            B_t = B_n
            C_t = C_n
            h_prev = hp_n                                               # h_{t-1}
            prv = (j > 0) & ((t - 1) < T)                               # step t - 1 is in this chunk and real
            u_n = tl.load(u_ptr + u_base + (t - 1) * D + d, mask=mask_d & prv, other=0.0)
            dt_n = tl.load(dt_ptr + u_base + (t - 1) * D + d, mask=mask_d & prv, other=0.0)
            dy_n = tl.load(dy_ptr + u_base + (t - 1) * D + d, mask=mask_d & prv, other=0.0)
            B_n = tl.load(B_ptr + bc_base + (t - 1) * N + nn, mask=mask_n & prv, other=0.0)
            C_n = tl.load(C_ptr + bc_base + (t - 1) * N + nn, mask=mask_n & prv, other=0.0)
            hp_n = tl.load(scratch + (j - 1) * TILE + off_tile, mask=mask_dn & (j > 0), other=0.0)
            decay = tl.exp(dt_t[:, None] * A)                           # exp(dt_t A): (BLOCK_D, BLOCK_N)
            g = dy_t[:, None] * C_t[None, :] + carry                    # dL/dh_t
            dC_t = tl.sum(dy_t[:, None] * h_t, axis=0)                  # (BLOCK_N,)
            dB_t = tl.sum(g * (dt_t * u_t)[:, None], axis=0)            # (BLOCK_N,)
            du_t = dt_t * tl.sum(g * B_t[None, :], axis=1)              # (BLOCK_D,)
            ddt_t = tl.sum(g * (A * decay * h_prev + u_t[:, None] * B_t[None, :]), axis=1)
            dA_acc += g * h_prev * dt_t[:, None] * decay
            carry = decay * g                                           # through h_{t-1}: step t's decay
            h_t = h_prev
            live = t < T
            tl.store(du_ptr + u_base + t * D + d, du_t, mask=mask_d & live)
            tl.store(ddt_ptr + u_base + t * D + d, ddt_t, mask=mask_d & live)
            tl.store(dB_ptr + part_base + t * N + nn, dB_t, mask=mask_n & live)
            tl.store(dC_ptr + part_base + t * N + nn, dC_t, mask=mask_n & live)
        tl.debug_barrier()  # every thread is done reading the scratch before the next chunk overwrites it
    tl.store(dA_ptr + pid_b * D * N + off_dn, dA_acc, mask=mask_dn)


class SelectiveScanFused(torch.autograd.Function):
    @staticmethod
    def forward(ctx, u, dt, A, B, C, chunk, block_d, num_warps):
        ctx.dtypes = [x.dtype for x in (u, dt, A, B, C)]
        u, dt, A, B, C = (x.float().contiguous() for x in (u, dt, A, B, C))
        b, T, D = u.shape
        n = A.shape[1]
        assert T > 0 and A.shape == (D, n) and B.shape == C.shape == (b, T, n)
        c = triton.cdiv(T, chunk)
        y = torch.empty_like(u)                                            # (b, T, D)
        hs = torch.empty(b, c, D, n, device=u.device, dtype=torch.float32)  # state at each chunk start
        final = torch.empty(b, D, n, device=u.device, dtype=torch.float32)
        _fwd[(b, triton.cdiv(D, block_d))](y, hs, final, u, dt, A, B, C, T, D, n, c, CHUNK=chunk,
                                           BLOCK_D=block_d, BLOCK_N=triton.next_power_of_2(n),
                                           num_warps=num_warps)
        ctx.save_for_backward(u, dt, A, B, C, hs)
        ctx.config = (chunk, block_d, num_warps)
        return y, final

    @staticmethod
    def backward(ctx, dy, dfinal):
        u, dt, A, B, C, hs = ctx.saved_tensors
        chunk, block_d, num_warps = ctx.config
        b, T, D = u.shape
        n = A.shape[1]
        c = hs.shape[1]
        dy = torch.zeros_like(u) if dy is None else dy.float().contiguous()
        dfinal = torch.zeros_like(hs[:, 0]) if dfinal is None else dfinal.float().contiguous()
        blocks, block_n = triton.cdiv(D, block_d), triton.next_power_of_2(n)
        du, ddt = torch.empty_like(u), torch.empty_like(u)                      # (b, T, D)
        dA = torch.empty(b, D, n, device=u.device, dtype=torch.float32)         # per batch row
        dB = torch.empty(b, blocks, T, n, device=u.device, dtype=torch.float32)  # per channel block
        dC = torch.empty_like(dB)
        scratch = torch.empty(b * blocks * chunk * block_d * block_n, device=u.device, dtype=torch.float32)
        _bwd[(b, blocks)](du, ddt, dA, dB, dC, scratch, u, dt, A, B, C, hs, dy, dfinal, T, D, n, c,
                          CHUNK=chunk, BLOCK_D=block_d, BLOCK_N=block_n, num_warps=num_warps)
        grads = (du, ddt, dA.sum(0), dB.sum(1), dC.sum(1))
        return tuple(g.to(dtype) for g, dtype in zip(grads, ctx.dtypes)) + (None, None, None)


def selective_scan_fused(u, dt, A, B, C, chunk=None, block_d=None, num_warps=None):
    """Same contract as scans.selective_scan_chunked: u, dt (b, T, D); A (D, n); B, C (b, T, n)
    -> y (b, T, D), final state (b, D, n), both float32. chunk / block_d / num_warps default to the
    module's CHUNK / BLOCK_D / NUM_WARPS (read at call time, so a benchmark can set them)."""
    return SelectiveScanFused.apply(u, dt, A, B, C, chunk or CHUNK, block_d or BLOCK_D, num_warps or NUM_WARPS)
