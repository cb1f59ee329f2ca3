"""The bounded-memory probes against naive twins that hold everything: the full T × T attention
matrix, every state of a token-by-token scan, implicit rows summed term by term. Small random
inputs; block and chunk sizes forced small so that many blocks and chunks are crossed."""
import math
import unittest

import torch

from hybridscope_capture import probes
from hybridscope_capture.budget import CaptureBudget, plan_capture

torch.manual_seed(0)
D64 = torch.float64


def plan(T, focus, entries, **spec):
    return plan_capture({"attention": True, "ssm": True, "states": True, "focus": focus, "entries": entries, **spec}, T)


def close(a, b, tol=1e-6):  # records hold float32
    a, b = torch.as_tensor(a, dtype=D64).reshape(-1), torch.as_tensor(b, dtype=D64).reshape(-1)
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-300)) <= tol


class Small:
    def __enter__(self):
        self.saved = probes.BLOCK_BYTES
        probes.BLOCK_BYTES = 20_000  # a few rows / tokens per block
        return self

    def __exit__(self, *exc):
        probes.BLOCK_BYTES = self.saved


class AttentionProbe(unittest.TestCase):
    def test_rows_pooled_and_mass_equal_the_full_matrix(self):
        H, KVH, T, hd = 4, 2, 37, 8
        q, k = torch.randn(H, T, hd), torch.randn(KVH, T, hd)
        p = plan(T, [5, 20, 36], [[0, 4], [4, 11], [30, 37]], pooledSize=8)
        with Small():
            rec = probes.attention_probe(q, k, 0.3, p, CaptureBudget(1 << 30), "a")
        kk = k.to(D64).repeat_interleave(H // KVH, dim=0)
        s = q.to(D64) @ kk.transpose(1, 2) * 0.3
        full = torch.softmax(s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), -math.inf), dim=-1)  # (H, T, T)
        self.assertTrue(close(rec["focusProbs"]["data"], full[:, p.focus]))
        stride = rec["pooledStride"]
        S = math.ceil(T / stride)
        padded = torch.nn.functional.pad(full, (0, S * stride - T, 0, S * stride - T))
        want = padded.reshape(H, S, stride, S, stride).amax(dim=(2, 4))
        self.assertEqual(rec["pooled"]["shape"], [H, S, S])
        self.assertTrue(close(rec["pooled"]["data"], want, 1e-6))
        mass = torch.stack([full[:, p.focus, a:b].sum(-1) for a, b in p.entries], dim=-1)
        self.assertTrue(close(rec["entryMass"]["data"], mass))

    def test_a_small_budget_drops_in_the_engines_order(self):
        H, T, hd = 2, 10, 4
        b = CaptureBudget(2 * 3 * T * 4 + 10)  # room for the focus rows (H·R·T) only
        rec = probes.attention_probe(torch.randn(H, T, hd), torch.randn(H, T, hd), 0.5, plan(T, [2, 5, 9], [[0, 3]]), b, "x")
        self.assertEqual(list(rec), ["H", "focusProbs"])
        self.assertEqual(len(b.notices), 3)  # pooled map, entry mass, q/k for tiles
        self.assertEqual(b.notices[0], "dropped x pooled map (800 B): capture budget 250 B reached")


def mamba2_reference(x, B, C, dt, A, focus):
    """Token-by-token recurrence holding every state; implicit rows summed term by term."""
    T, H, P = x.shape
    G, N = B.shape[1:]
    h = torch.zeros(H, P, N, dtype=D64)
    norms, states = torch.zeros(H, T, dtype=D64), []
    for t in range(T):
        for hh in range(H):
            g = hh * G // H
            h[hh] = torch.exp(dt[t, hh] * A[hh]) * h[hh] + dt[t, hh] * torch.outer(x[t, hh].to(D64), B[t, g].to(D64))
        norms[:, t] = h.reshape(H, -1).norm(dim=-1)
        states.append(h.clone())
    cum = torch.cumsum(dt.to(D64) * A, dim=0)
    rows = torch.zeros(H, len(focus), T, dtype=D64)
    for hh in range(H):
        g = hh * G // H
        for r, t in enumerate(focus):
            for s in range(t + 1):
                rows[hh, r, s] = (C[t, g].to(D64) @ B[s, g].to(D64)) * torch.exp(cum[t, hh] - cum[s, hh]) * dt[s, hh]
    return norms, torch.stack([states[t] for t in focus]), rows, torch.exp(cum).T


class Mamba2Probe(unittest.TestCase):
    def test_chunked_scan_and_rows_equal_the_recurrence(self):
        T, H, P, G, N = 29, 4, 3, 2, 5
        x, B, C = torch.randn(T, H, P), torch.randn(T, G, N), torch.randn(T, G, N)
        dt, A = torch.rand(T, H) * 0.5 + 0.01, -torch.rand(H, dtype=D64) * 2
        p = plan(T, [3, 17, 28], [[0, 5], [5, 20]])
        with Small():
            rec = probes.mamba2_probe(x, B, C, dt, A, p, CaptureBudget(1 << 30), "m")
        norms, states, rows, decay = mamba2_reference(x, B, C, dt, A, p.focus)
        self.assertTrue(close(rec["stateNorm"]["data"], norms))
        self.assertTrue(close(rec["states"]["data"], states))
        self.assertTrue(close(rec["implicitRows"]["data"], rows))
        self.assertTrue(close(rec["decay"]["data"], decay))
        self.assertTrue(close(rec["entryMass"]["data"], torch.stack([rows[..., a:b].abs().sum(-1) for a, b in p.entries], -1)))
        self.assertEqual(rec["statePositions"], p.focus)


class Mamba1Probe(unittest.TestCase):
    def test_scan_and_rows_equal_the_recurrence(self):
        T, I, N = 23, 8, 3
        x, B, C = torch.randn(T, I), torch.randn(T, N), torch.randn(T, N)
        delta, A = torch.rand(T, I) * 0.5 + 0.01, -torch.rand(I, N, dtype=D64) * 2
        p = plan(T, [4, 22], [[0, 6]], mamba1Groups=4)
        with Small():
            rec = probes.mamba1_probe(x, delta, B, C, A, p, CaptureBudget(1 << 30), "m")
        h = torch.zeros(I, N, dtype=D64)
        norms, snaps = torch.zeros(4, T, dtype=D64), []
        for t in range(T):
            h = torch.exp(delta[t, :, None] * A) * h + (delta[t] * x[t]).to(D64)[:, None] * B[t].to(D64)
            norms[:, t] = h.reshape(4, -1).norm(dim=-1)
            if t in p.focus:
                snaps.append(h.clone())
        self.assertTrue(close(rec["stateNorm"]["data"], norms))
        self.assertTrue(close(rec["states"]["data"], torch.stack(snaps)))
        cum = torch.cumsum(delta.to(D64), dim=0)
        rows = torch.zeros(4, 2, T, dtype=D64)
        for g in range(4):
            for r, t in enumerate(p.focus):
                for s in range(t + 1):
                    terms = [delta[s, d] * sum(C[t, n] * B[s, n] * torch.exp(A[d, n] * (cum[t, d] - cum[s, d])) for n in range(N))
                             for d in range(2 * g, 2 * g + 2)]
                    rows[g, r, s] = sum(terms) / 2
        self.assertTrue(close(rec["implicitRows"]["data"], rows))
        self.assertEqual(rec["implicitChannels"], 2)


class MoeProbe(unittest.TestCase):
    def test_routing_is_recorded_as_given_and_charged_as_the_engine_does(self):
        T, k = 6, 2
        experts, weights = torch.randint(0, 4, (T, k)), torch.rand(T, k)
        rec = probes.moe_probe(experts, weights, 4, plan(T, [5], []), CaptureBudget(1 << 20), "layers.1.feed_forward")
        self.assertEqual([rec["E"], rec["topK"], rec["experts"]["shape"]], [4, k, [T, k]])
        self.assertEqual(rec["experts"]["data"].tolist(), experts.reshape(-1).float().tolist())
        self.assertTrue(close(rec["weights"]["data"], weights))
        b = CaptureBudget(2 * T * k * 4 - 1)
        self.assertIsNone(probes.moe_probe(experts, weights, 4, plan(T, [5], []), b, "layers.1.feed_forward"))
        self.assertEqual(b.notices, ["dropped layers.1.feed_forward expert routing (96 B): capture budget 95 B reached"])
        self.assertIsNone(probes.moe_probe(experts, weights, 4, plan(T, [5], [], moe=False), CaptureBudget(1 << 20), "x"))


if __name__ == "__main__":
    unittest.main()
