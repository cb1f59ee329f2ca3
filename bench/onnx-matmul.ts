// A one-node ONNX graph, y = x · B with B a constant initializer, serialized by hand: the few
// protobuf fields onnx.proto needs (field numbers from onnx/onnx.proto3), so the bench needs no
// protobuf package. ONNX MatMul takes B as (In, Out); we pass Wᵀ so it computes the engine's y = x·Wᵀ.

const enum Wire { Varint = 0, Bytes = 2 }

class Writer {
  private parts: number[] = [];
  varint(v: number): this {
    let n = BigInt(v);
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (n > 0n);
    return this;
  }
  tag(field: number, wire: Wire): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, Wire.Varint).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, Wire.Bytes).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const FLOAT = 1;

// ValueInfoProto{name, type: TypeProto{tensor_type{elem_type, shape{dim...}}}}; a string dim is symbolic.
function valueInfo(name: string, dims: (number | string)[]): Writer {
  const shape = new Writer();
  for (const d of dims) {
    shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  }
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

/** ONNX model bytes for y (T, Out) = x (T, In) · Wᵀ, W (Out, In) row-major. T is symbolic. */
export function matmulModel(w: Float32Array, In: number, Out: number): Uint8Array {
  const b = new Float32Array(In * Out); // (In, Out) = Wᵀ
  for (let o = 0; o < Out; o++) for (let k = 0; k < In; k++) b[k * Out + o] = w[o * In + k];
  const init = new Writer().int(1, In).int(1, Out).int(2, FLOAT).string(8, 'B')
    .bytes(9, new Uint8Array(b.buffer));
  const node = new Writer().string(1, 'x').string(1, 'B').string(2, 'y').string(3, 'matmul').string(4, 'MatMul');
  const graph = new Writer().message(1, node).string(2, 'matmul').message(5, init)
    .message(11, valueInfo('x', ['T', In])).message(12, valueInfo('y', ['T', Out]));
  const opset = new Writer().string(1, '').int(2, 13);
  return new Writer().int(1, 8).string(2, 'hybridscope-bench').message(7, graph).message(8, opset).finish();
}
