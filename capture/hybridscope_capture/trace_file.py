"""The trace file (engine/trace/FORMAT.md, version 1): a writer that streams sections as a run goes, a
reader for tests and `--like`, and the records digest (engine/digest.ts).

A record here is a dict in the engine's key order (engine/records.ts); its arrays are 1-D float32
numpy arrays, and a Tensor is {"dtype": "f32", "shape": [...], "data": array}."""
import json
import os
import struct
import sys
import tempfile

import numpy as np

MAGIC = b"HSTRACE\0"
TRACE_VERSION = 1
RECORD_VERSION = 1
TRACE_EXTENSION = ".hstrace"


def to_json(value):
    """JSON as JSON.stringify writes it (no spaces); non-finite numbers as Python writes them (NaN,
    Infinity), which the engine's reader accepts."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=True)


def section(tag, json_text, data_bytes):
    """A section head and its JSON, padded with spaces so that its data starts 8-byte aligned."""
    raw = json_text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<4sIQ", tag.encode("ascii"), len(raw), data_bytes) + raw


def encode_record(record):
    """The record's JSON with each array replaced by its descriptor, and the arrays in descriptor
    order (their offsets tile the data back to back)."""
    arrays = []
    offset = 0

    def walk(value, key=None, parent=None):
        nonlocal offset
        if isinstance(value, np.ndarray):
            a = np.ascontiguousarray(value, dtype="<f4").reshape(-1)
            shape = list(parent["shape"]) if key == "data" and parent is not None and "shape" in parent else [a.size]
            d = {"dtype": "F32", "shape": shape, "offset": offset, "length": a.nbytes}
            offset += a.nbytes
            arrays.append(a)
            return d
        if isinstance(value, dict):
            return {k: walk(v, k, value) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        return value

    return walk(record), arrays


def record_arrays(record, prefix=""):
    """Every array of a record with its dotted path, in the order the engine's recordArrays walks it."""
    out = []
    for key, value in record.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, np.ndarray):
            out.append((path, value))
        elif isinstance(value, dict):
            out.extend(record_arrays(value, path))
    return out


class Digest:
    """engine/digest.ts: two 32-bit multiplicative hash lanes over every array's float bits."""
    M = 0xFFFFFFFF

    def __init__(self):
        self.a, self.b = 0x811C9DC5, 0x9747B28C

    def _words(self, words):
        a, b, M = self.a, self.b, self.M
        for w in words:
            a = ((a ^ w) * 0x01000193) & M
            b = ((b ^ w) * 0x5BD1E995) & M
            b ^= b >> 15
        self.a, self.b = a, b

    def add_text(self, s):
        units = s.encode("utf-16-le")
        self._words(struct.unpack(f"<{len(units) // 2}H", units))
        self._words((len(units) // 2,))

    def add_array(self, x):
        a = np.ascontiguousarray(x, dtype="<f4")
        self._words(memoryview(a.view("<u4").reshape(-1)).cast("B").cast("I"))
        self._words((a.size,))

    def add_record(self, r):
        self.add_text(f"{r['index']}:{r['block']}:{r['kind']}")
        for path, data in record_arrays(r):
            self.add_text(path)
            self.add_array(data)

    def hex(self):
        return f"{self.a:08x}{self.b:08x}"


class TraceWriter:
    """Writes a trace as the run goes: the header, each layer as it is done, then tokens and summary.
    A file is written to a temporary name beside it, fsynced and renamed at the end (whole or not
    at all); "-" streams to stdout."""

    def __init__(self, out):
        self.out = out
        self.bytes = 0
        self.layers = 0
        self.digest = Digest()
        if out == "-":
            self.f, self.tmp = sys.stdout.buffer, None
        else:
            folder = os.path.dirname(os.path.abspath(out))
            fd, self.tmp = tempfile.mkstemp(prefix=".", suffix=".partial", dir=folder)
            self.f = os.fdopen(fd, "wb")

    def _put(self, chunk):
        self.f.write(chunk)
        self.bytes += len(chunk)

    def header(self, header):
        self._put(MAGIC + struct.pack("<II", TRACE_VERSION, RECORD_VERSION))
        self._put(section("HEAD", to_json(header), 0))

    def layer(self, record):
        if record["index"] != self.layers:
            raise ValueError(f"trace writer: layer {record['index']} where {self.layers} was next")
        self.layers += 1
        self.digest.add_record(record)
        json_obj, arrays = encode_record(record)
        self._put(section("LAYR", to_json(json_obj), sum(a.nbytes for a in arrays)))
        for a in arrays:
            self._put(a.tobytes())

    def finish(self, tokens, summary):
        self._put(section("TOKS", to_json(tokens), 0))
        self._put(section("SUMM", to_json(summary), 0))
        self.f.flush()
        if self.tmp is None:
            return
        os.fsync(self.f.fileno())
        self.f.close()
        os.replace(self.tmp, self.out)
        dir_fd = os.open(os.path.dirname(os.path.abspath(self.out)), os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def abandon(self):
        """A run that failed leaves no file behind."""
        if self.tmp is not None:
            self.f.close()
            if os.path.exists(self.tmp):
                os.remove(self.tmp)


class TraceError(ValueError):
    """A file that is not a readable trace: one line naming the file and the problem."""


def read_trace(path, records=True):
    """(header, records, tokens, summary) of a trace; records as dicts with numpy arrays (or None
    when records=False). Checks the framing, not every field: the engine's reader is the validator."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        pre = f.read(16)
        if len(pre) < 16 or pre[:8] != MAGIC:
            raise TraceError(f"{path}: not a trace (it does not start with HSTRACE)")
        version, record_version = struct.unpack("<II", pre[8:])
        if version != TRACE_VERSION or record_version != RECORD_VERSION:
            raise TraceError(f"{path}: trace version {version} with records {record_version}; this reader knows {TRACE_VERSION} and {RECORD_VERSION}")
        parts = {"LAYR": []}
        while f.tell() < size:
            head = f.read(16)
            if len(head) < 16:
                raise TraceError(f"{path}: truncated section head at byte {f.tell() - len(head)}")
            tag, j, b = struct.unpack("<4sIQ", head)
            tag = tag.decode("ascii", "replace")
            if f.tell() + j + b > size:
                raise TraceError(f"{path}: truncated: section {tag} runs past the end of the file")
            obj = json.loads(f.read(j).decode("utf-8"))
            if tag == "LAYR":
                if records:
                    data = f.read(b)
                    parts["LAYR"].append(_fill(obj, data))
                else:
                    f.seek(b, os.SEEK_CUR)
            else:
                parts[tag] = obj
                f.seek(b, os.SEEK_CUR)
            if tag == "HEAD" and not records:
                break
    return parts.get("HEAD"), parts["LAYR"] if records else None, parts.get("TOKS"), parts.get("SUMM")


def _fill(obj, data):
    if isinstance(obj, dict):
        if "offset" in obj and obj.get("dtype") == "F32":
            return np.frombuffer(data, dtype="<f4", count=obj["length"] // 4, offset=obj["offset"]).copy()
        return {k: _fill(v, data) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fill(v, data) for v in obj]
    return obj
