/**
 * Golden files: inputs and the int8 outputs a reference runtime (TFLite Micro's reference kernels)
 * computed for them, as `golden/<model>.json` (cases) and `golden/<model>.layers.json` (every
 * intermediate tensor of one case) in the MLPerf Tiny folder. Tensor data is base64 of the raw bytes: one
 * byte per int8 value, the little-endian float32 bytes for a model's float32 input or output.
 */
import { readFileSync } from 'node:fs';
import { MurmurError } from '@murmur/core';
import { elementBytes, type GraphValues, type Int8Graph } from '@murmur/kernels';

export interface GoldenCase {
  index: number;
  input: Int8Array;
  output: Int8Array;
}

export interface GoldenLayer {
  tensor: number;
  name: string;
  /** Index of the operator that wrote it; null for the model input. */
  producer: number | null;
  producerOp: string;
  data: Int8Array;
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MurmurError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
    });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new MurmurError(`not a golden file: ${(e as Error).message}`, { file: path });
  }
}

const base64 = (value: unknown, file: string, field: string): Int8Array => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw new MurmurError('must be a base64 string', { file, field });
  return new Int8Array(Buffer.from(value, 'base64'));
};

const list = (value: unknown, file: string, field: string): Record<string, unknown>[] => {
  if (!Array.isArray(value)) throw new MurmurError('must be a list', { file, field });
  return value as Record<string, unknown>[];
};

/** The cases of a golden file. */
export function readGolden(path: string): { model: string; cases: GoldenCase[] } {
  const json = readJson(path);
  const cases = list(json.cases, path, 'cases').map((c, i) => ({
    index: Number(c.index ?? i),
    input: base64(c.input, path, `cases[${i}].input`),
    output: base64(c.output, path, `cases[${i}].output`),
  }));
  return { model: String(json.model ?? ''), cases };
}

/** The intermediate tensors of a `.layers.json` file, in execution order. */
export function readGoldenLayers(path: string): GoldenLayer[] {
  return list(readJson(path).tensors, path, 'tensors').map((t, i) => ({
    tensor: Number(t.tensor_index),
    name: String(t.name ?? ''),
    producer:
      t.producer_op_index === null || t.producer_op_index === undefined ? null : Number(t.producer_op_index),
    producerOp: String(t.producer_op ?? ''),
    data: base64(t.data, path, `tensors[${i}].data`),
  }));
}

/** A golden file's cases as values of the graph's input and output types (int8, or float32 from raw bytes). */
export function readGoldenCases(
  path: string,
  graph: Int8Graph,
): { input: GraphValues; expected: GraphValues }[] {
  const [input, output] = [graph.tensors[graph.inputs[0]!]!, graph.tensors[graph.outputs[0]!]!];
  const typed = (bytes: Int8Array, type: typeof input.type, field: string): GraphValues => {
    if (type !== 'float32') return bytes;
    if (bytes.length % elementBytes(type))
      throw new MurmurError(`holds ${bytes.length} bytes: float32 values take 4 bytes each`, {
        file: path,
        field,
      });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    return Float32Array.from({ length: bytes.length / 4 }, (_, k) => view.getFloat32(4 * k, true));
  };
  return readGolden(path).cases.map((c, i) => ({
    input: typed(c.input, input.type, `cases[${i}].input`),
    expected: typed(c.output, output.type, `cases[${i}].output`),
  }));
}
