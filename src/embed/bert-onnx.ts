/**
 * Writes a standard BERT encoder (opset 13) as an ONNX ModelProto from
 * safetensors weights, in fp32 or int8. Pure: weights in, bytes out.
 *
 * Inputs input_ids / attention_mask / token_type_ids (int64 [batch, seq]);
 * output last_hidden_state [batch, seq, hidden] — what the transformers.js
 * feature-extraction pipeline expects, which then mean-pools and normalises.
 */
import onnxProto from 'onnx-proto';
import type { Tensor } from './safetensors.js';

const { onnx } = onnxProto;
type DataType = (typeof onnx.TensorProto.DataType)[keyof typeof onnx.TensorProto.DataType];
const DT = onnx.TensorProto.DataType;

export interface BertConfig {
  hidden_size: number;
  num_attention_heads: number;
  num_hidden_layers: number;
  intermediate_size: number;
  layer_norm_eps: number;
  vocab_size: number;
}

export type Precision = 'fp32' | 'int8';

/** Accumulates nodes and initializers with unique names; keeps the graph code readable. */
class GraphBuilder {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  op(opType: string, inputs: string[], attributes: Record<string, number | number[]> = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(opType));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: outputs,
        name: this.fresh(`node_${opType}`),
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
    return outputs;
  }

  /** Single-output op, the common case. */
  one(opType: string, inputs: string[], attributes: Record<string, number | number[]> = {}): string {
    return this.op(opType, inputs, attributes)[0]!;
  }

  constant(name: string, dims: number[], dataType: DataType, raw: Uint8Array): string {
    const unique = this.fresh(name);
    this.initializers.push(onnx.TensorProto.create({ name: unique, dims, dataType, rawData: raw }));
    return unique;
  }

  float(name: string, dims: number[], values: Float32Array): string {
    return this.constant(name, dims, DT.FLOAT, bytesOf(values));
  }

  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    return this.constant(name, dims, DT.INT64, bytesOf(BigInt64Array.from(values.map(BigInt))));
  }

  scalarFloat(name: string, value: number): string {
    return this.constant(name, [], DT.FLOAT, bytesOf(Float32Array.of(value)));
  }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function attribute(name: string, value: number | number[]): InstanceType<typeof onnx.AttributeProto> {
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, ints: value, type: onnx.AttributeProto.AttributeType.INTS });
  if (Number.isInteger(value)) return onnx.AttributeProto.create({ name, i: value, type: onnx.AttributeProto.AttributeType.INT });
  return onnx.AttributeProto.create({ name, f: value, type: onnx.AttributeProto.AttributeType.FLOAT });
}

/** [out, in] (PyTorch) → [in, out], so the graph computes x · W directly. */
export function transpose(weight: Tensor): Float32Array {
  const [rows, cols] = weight.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = weight.data[r * cols + c]!;
  return out;
}

/**
 * Symmetric int8 with one scale per output column of an [in, out] matrix:
 * columns differ in range by orders of magnitude, one scale for all would
 * flatten the small ones to zero.
 */
export function quantizeColumns(matrix: Float32Array, rows: number, cols: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) scales[c] = Math.max(scales[c]!, Math.abs(matrix[r * cols + c]!));
  for (let c = 0; c < cols; c++) scales[c] = scales[c]! / 127 || 1;
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(matrix[r * cols + c]! / scales[c]!);
  return { q, scales };
}

/** Per-row int8 for the embedding table: each row (one token) is looked up on its own. */
export function quantizeRows(matrix: Float32Array, rows: number, cols: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(rows);
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(matrix[r * cols + c]!));
    const scale = max / 127 || 1;
    scales[r] = scale;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(matrix[r * cols + c]! / scale);
  }
  return { q, scales };
}

/**
 * `head: 'classifier'` ends the graph in one logit per input instead of the token states: the [CLS] state through
 * classifier.weight / classifier.bias, as a cross-encoder reads a pair (the reader, embed/reader.ts).
 */
export function buildBertOnnx(weights: Map<string, Tensor>, config: BertConfig, precision: Precision, head: 'states' | 'classifier' = 'states'): Uint8Array {
  const g = new GraphBuilder();
  const w = (name: string): Tensor => {
    const tensor = weights.get(name);
    if (!tensor) throw new Error(`weights file has no tensor "${name}"`);
    return tensor;
  };
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = hidden / heads;

  const linear = (x: string, prefix: string): string => {
    const weight = w(`${prefix}.weight`);
    const [outDim, inDim] = weight.shape as [number, number];
    const bias = g.float(`${prefix}.bias`, [outDim], w(`${prefix}.bias`).data);
    const wt = transpose(weight);
    if (precision === 'fp32') return g.one('Add', [g.one('MatMul', [x, g.float(`${prefix}.weight`, [inDim, outDim], wt)]), bias]);
    const { q, scales } = quantizeColumns(wt, inDim, outDim);
    const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
    const wq = g.constant(`${prefix}.weight_q`, [inDim, outDim], DT.INT8, bytesOf(q));
    const acc = g.one('Cast', [g.one('MatMulInteger', [xq, wq, xZero])], { to: DT.FLOAT });
    const scale = g.one('Mul', [xScale, g.float(`${prefix}.weight_scale`, [outDim], scales)]);
    return g.one('Add', [g.one('Mul', [acc, scale]), bias]);
  };

  const layerNorm = (x: string, prefix: string): string => {
    const mean = g.one('ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const centred = g.one('Sub', [x, mean]);
    const variance = g.one('ReduceMean', [g.one('Pow', [centred, g.scalarFloat('two', 2)])], { axes: [-1], keepdims: 1 });
    const std = g.one('Sqrt', [g.one('Add', [variance, g.scalarFloat('eps', config.layer_norm_eps)])]);
    const normed = g.one('Div', [centred, std]);
    const gamma = g.float(`${prefix}.weight`, [hidden], w(`${prefix}.weight`).data);
    const beta = g.float(`${prefix}.bias`, [hidden], w(`${prefix}.bias`).data);
    return g.one('Add', [g.one('Mul', [normed, gamma]), beta]);
  };

  const wordEmbedding = (ids: string): string => {
    const table = w('embeddings.word_embeddings.weight');
    const [rows, cols] = table.shape as [number, number];
    if (precision === 'fp32') return g.one('Gather', [g.float('word_embeddings', [rows, cols], table.data), ids]);
    const { q, scales } = quantizeRows(table.data, rows, cols);
    const values = g.one('Gather', [g.constant('word_embeddings_q', [rows, cols], DT.INT8, bytesOf(q)), ids]);
    const rowScales = g.one('Gather', [g.float('word_embeddings_scale', [rows, 1], scales), ids]);
    return g.one('Mul', [g.one('Cast', [values], { to: DT.FLOAT }), rowScales]);
  };

  // Embeddings: word + position + token type, then LayerNorm.
  const seqLen = g.one('Gather', [g.one('Shape', ['input_ids']), g.int64('one', [1], [])], { axis: 0 });
  const positions = g.one('Range', [g.int64('zero', [0], []), seqLen, g.int64('one', [1], [])]);
  const positionTable = w('embeddings.position_embeddings.weight');
  const typeTable = w('embeddings.token_type_embeddings.weight');
  let x = g.one('Add', [
    g.one('Add', [
      wordEmbedding('input_ids'),
      g.one('Gather', [g.float('position_embeddings', positionTable.shape, positionTable.data), positions]),
    ]),
    g.one('Gather', [g.float('token_type_embeddings', typeTable.shape, typeTable.data), 'token_type_ids']),
  ]);
  x = layerNorm(x, 'embeddings.LayerNorm');

  // Additive mask: 0 where attended, -10000 on padding, broadcast to [batch, 1, 1, seq].
  const maskFloat = g.one('Cast', ['attention_mask'], { to: DT.FLOAT });
  const inverted = g.one('Sub', [g.scalarFloat('one_f', 1), maskFloat]);
  const mask = g.one('Unsqueeze', [g.one('Mul', [inverted, g.scalarFloat('neg', -10000)]), g.int64('mask_axes', [1, 2])]);

  const splitShape = g.int64('split_heads', [0, 0, heads, headSize]);
  const mergeShape = g.int64('merge_heads', [0, 0, hidden]);
  const toHeads = (t: string, perm: number[]): string => g.one('Transpose', [g.one('Reshape', [t, splitShape])], { perm });

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const q = toHeads(linear(x, `${p}.attention.self.query`), [0, 2, 1, 3]);
    const k = toHeads(linear(x, `${p}.attention.self.key`), [0, 2, 3, 1]);
    const v = toHeads(linear(x, `${p}.attention.self.value`), [0, 2, 1, 3]);
    const scores = g.one('Add', [g.one('Mul', [g.one('MatMul', [q, k]), g.scalarFloat('scale', 1 / Math.sqrt(headSize))]), mask]);
    const context = g.one('MatMul', [g.one('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.one('Reshape', [g.one('Transpose', [context], { perm: [0, 2, 1, 3] }), mergeShape]);
    const attended = layerNorm(g.one('Add', [linear(merged, `${p}.attention.output.dense`), x]), `${p}.attention.output.LayerNorm`);
    const inner = linear(attended, `${p}.intermediate.dense`);
    // Exact GELU, as BERT was trained with: 0.5·x·(1 + erf(x/√2)).
    const erf = g.one('Erf', [g.one('Mul', [inner, g.scalarFloat('inv_sqrt2', Math.SQRT1_2)])]);
    const gelu = g.one('Mul', [g.one('Mul', [inner, g.scalarFloat('half', 0.5)]), g.one('Add', [erf, g.scalarFloat('one_f', 1)])]);
    x = layerNorm(g.one('Add', [linear(gelu, `${p}.output.dense`), attended]), `${p}.output.LayerNorm`);
  }
  const output = head === 'states' ? valueInfo('last_hidden_state', DT.FLOAT, ['batch', 'sequence', hidden]) : valueInfo('logit', DT.FLOAT, ['batch', 1]);
  if (head === 'classifier') {
    const cls = g.one('Gather', [x, g.int64('first', [0], [])], { axis: 1 });
    const classifier = w('classifier.weight');
    x = g.one('Add', [g.one('MatMul', [cls, g.float('classifier.weight', [hidden, 1], transpose(classifier))]), g.float('classifier.bias', [1], w('classifier.bias').data)]);
  }
  g.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [x], output: [output.name], name: 'output' }));

  const intInput = (name: string) => valueInfo(name, DT.INT64, ['batch', 'sequence']);
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'quotebot-prepare-model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: onnx.GraphProto.create({
      name: 'bert',
      node: g.nodes,
      initializer: g.initializers,
      input: [intInput('input_ids'), intInput('attention_mask'), intInput('token_type_ids')],
      output: [output],
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(name: string, elemType: DataType, dims: (string | number)[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}
