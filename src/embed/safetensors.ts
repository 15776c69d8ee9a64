/**
 * Reads a .safetensors file: an 8-byte little-endian header length, a JSON
 * header mapping tensor name → {dtype, shape, data_offsets}, then raw data.
 * Every tensor comes back as fp32, because the ONNX graph we write is fp32
 * (or int8 quantized from fp32).
 */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const FLOAT_TYPES = new Set(['F16', 'F32']);
const HALF_TO_FLOAT = buildHalfTable();

/** IEEE 754 half → single for all 65,536 bit patterns; a table beats bit twiddling per element. */
function buildHalfTable(): Float32Array {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) table[h] = sign * 2 ** -14 * (mantissa / 1024);
    else if (exponent === 31) table[h] = mantissa ? NaN : sign * Infinity;
    else table[h] = sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
  }
  return table;
}

export function readSafetensors(file: Buffer): Map<string, Tensor> {
  if (file.length < 8) throw new Error('file too short for a safetensors header');
  const headerLength = Number(file.readBigUInt64LE(0));
  if (8 + headerLength > file.length) throw new Error('safetensors header length exceeds the file');
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, HeaderEntry>;
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    // Integer buffers such as position_ids are bookkeeping, not weights the graph needs.
    if (name === '__metadata__' || !FLOAT_TYPES.has(entry.dtype)) continue;
    const [begin, end] = entry.data_offsets;
    const bytes = file.subarray(dataStart + begin, dataStart + end);
    tensors.set(name, { shape: entry.shape, data: decode(entry.dtype, bytes) });
  }
  return tensors;
}

function decode(dtype: string, bytes: Buffer): Float32Array {
  const count = dtype === 'F16' ? bytes.length / 2 : bytes.length / 4;
  const out = new Float32Array(count);
  if (dtype === 'F16') {
    for (let i = 0; i < count; i++) out[i] = HALF_TO_FLOAT[bytes.readUInt16LE(i * 2)]!;
  } else {
    for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE(i * 4);
  }
  return out;
}
