"""The trace file's own pieces: the digest against a value engine/digest.ts computed, a written
trace read back section by section, and the budget's byte formatting (JavaScript's toFixed)."""
import json
import os
import struct
import tempfile
import unittest

import numpy as np

from hybridscope_capture.budget import format_bytes
from hybridscope_capture.trace_file import Digest, TraceWriter, read_trace


def record(index=2):
    return {"index": index, "block": 5, "kind": "attention", "name": "n", "T": 3,
            "residualNorm": np.array([1, 2, 3], "f4"), "contributionNorm": np.array([0.5, -1, 2e-9], "f4"), "focus": [2], "ms": 1,
            "attention": {"H": 1, "focusProbs": {"dtype": "f32", "shape": [1, 1, 3], "data": np.array([0.25, 0.75, 0], "f4")}}}


class TraceFile(unittest.TestCase):
    def test_digest_is_the_engines(self):
        d = Digest()
        d.add_record(record())
        d.add_text("é ✓")
        self.assertEqual(d.hex(), "98a3d4dc317f5bec")  # engine/digest.ts on the same record and text

    def test_a_written_trace_reads_back(self):
        with tempfile.TemporaryDirectory() as folder:
            out = os.path.join(folder, "t.hstrace")
            w = TraceWriter(out)
            w.header({"producer": "test", "prompt": {"ids": [1, 2, 3]}})
            w.layer(record(0))
            self.assertFalse(os.path.exists(out))  # written under a temporary name until finished
            w.finish([{"step": 0, "id": 4, "text": "\n", "logprob": float("-inf"), "top": []}], {"status": "complete"})
            with open(out, "rb") as f:
                data = f.read()
            self.assertEqual(len(data), w.bytes)
            self.assertEqual(data[:16], b"HSTRACE\0" + struct.pack("<II", 1, 1))
            tag, j, b = struct.unpack("<4sIQ", data[16:32])
            self.assertEqual((tag, j % 8, b), (b"HEAD", 0, 0))
            at = 32 + j
            tag, j, b = struct.unpack("<4sIQ", data[at:at + 16])
            layer = json.loads(data[at + 16:at + 16 + j])
            self.assertEqual((tag, b), (b"LAYR", 4 * 9))
            self.assertEqual(layer["residualNorm"], {"dtype": "F32", "shape": [3], "offset": 0, "length": 12})
            self.assertEqual(layer["attention"]["focusProbs"]["data"], {"dtype": "F32", "shape": [1, 1, 3], "offset": 24, "length": 12})
            header, records, tokens, summary = read_trace(out)
            self.assertEqual(header["prompt"]["ids"], [1, 2, 3])
            np.testing.assert_array_equal(records[0]["contributionNorm"], record()["contributionNorm"])
            self.assertEqual(tokens[0]["logprob"], float("-inf"))
            self.assertEqual(summary, {"status": "complete"})
            self.assertEqual(os.listdir(folder), ["t.hstrace"])

    def test_an_abandoned_trace_leaves_no_file(self):
        with tempfile.TemporaryDirectory() as folder:
            w = TraceWriter(os.path.join(folder, "t.hstrace"))
            w.header({"producer": "test"})
            w.abandon()
            self.assertEqual(os.listdir(folder), [])


class Bytes(unittest.TestCase):
    def test_formatted_as_the_engine_formats_them(self):
        cases = {0: "0 B", 1023: "1023 B", 1024: "1.0 KB", 1310720: "1.3 MB", 64 * 2 ** 20: "64 MB", 10 * 2 ** 30 - 1: "10.0 GB"}
        for n, text in cases.items():
            self.assertEqual(format_bytes(n), text)


if __name__ == "__main__":
    unittest.main()
