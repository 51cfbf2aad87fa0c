/**
 * `.tflite` (TFL3 flatbuffer) → int8 graph IR, read with the flatbuffers runtime and the TypeScript that
 * flatc generated from TFLite's schema (./generated). float32 tensors are a model's float edges (QUANTIZE
 * from float32 to int8, DEQUANTIZE from int8 to float32). Operators outside the supported set, QUANTIZE or
 * DEQUANTIZE of other types, int16 or uint8 tensors, sparse or external buffers fail with a MurmurError
 * naming the file, the operator (its index and name) and the tensor shapes.
 */
import { readFileSync } from 'node:fs';
import * as flatbuffers from 'flatbuffers';
import { MurmurError } from '@murmur/core';
import {
  INT8_GRAPH_VERSION,
  type Activation,
  type GraphOp,
  type GraphTensor,
  type Int8Graph,
  type Padding as GraphPadding,
} from '@murmur/kernels';
import {
  ActivationFunctionType,
  AddOptionsT,
  BuiltinOperator,
  Conv2DOptionsT,
  DepthwiseConv2DOptionsT,
  FullyConnectedOptionsT,
  Model,
  type ModelT,
  type OperatorT,
  Padding,
  Pool2DOptionsT,
  ReducerOptionsT,
  SoftmaxOptionsT,
  type SubGraphT,
  TensorType,
  type TensorT,
} from './generated/tflite_schema';

/** TFLite's name of a builtin operator code, e.g. `CONV_2D`. */
export const operatorName = (code: number): string => BuiltinOperator[code] ?? `BUILTIN_${code}`;

/** The builtin code of an operator code entry: the larger of the deprecated int8 field and the int32 one. */
export const builtinCode = (code: { deprecatedBuiltinCode: number; builtinCode: number }): number =>
  Math.max(code.deprecatedBuiltinCode, code.builtinCode);

const text = (s: string | Uint8Array | null): string =>
  s === null ? '' : typeof s === 'string' ? s : new TextDecoder().decode(s);

/**
 * A ByteBuffer whose every read is checked against the buffer: the flatbuffers runtime reads past the end
 * as zeros, so a corrupt vector length could make unpacking loop for billions of elements. Checked, any
 * corruption fails at the first read outside the file, after work bounded by the file's size.
 */
class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private check(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity()))
      throw new RangeError(
        `read of ${size} bytes at offset ${offset} outside the ${this.capacity()}-byte file`,
      );
  }
  override readInt8(o: number): number {
    this.check(o, 1);
    return super.readInt8(o);
  }
  override readUint8(o: number): number {
    this.check(o, 1);
    return super.readUint8(o);
  }
  override readInt16(o: number): number {
    this.check(o, 2);
    return super.readInt16(o);
  }
  override readUint16(o: number): number {
    this.check(o, 2);
    return super.readUint16(o);
  }
  override readInt32(o: number): number {
    this.check(o, 4);
    return super.readInt32(o);
  }
  override readUint32(o: number): number {
    this.check(o, 4);
    return super.readUint32(o);
  }
  override readInt64(o: number): bigint {
    this.check(o, 8);
    return super.readInt64(o);
  }
  override readUint64(o: number): bigint {
    this.check(o, 8);
    return super.readUint64(o);
  }
  override readFloat32(o: number): number {
    this.check(o, 4);
    return super.readFloat32(o);
  }
  override readFloat64(o: number): number {
    this.check(o, 8);
    return super.readFloat64(o);
  }
}

/** Parses the flatbuffer; a malformed file is a MurmurError naming it, never a RangeError or a hang. */
export function parseTflite(bytes: Uint8Array, file = '<buffer>'): ModelT {
  if (bytes.length < 8) throw new MurmurError(`not a TFLite model: ${bytes.length} bytes`, { file });
  const bb = new CheckedByteBuffer(bytes);
  if (!Model.bufferHasIdentifier(bb))
    throw new MurmurError(`not a TFLite model: the file identifier at byte 4 is not 'TFL3'`, {
      file,
      offset: 4,
    });
  try {
    return Model.getRootAsModel(bb).unpack();
  } catch (e) {
    throw new MurmurError(`malformed TFLite flatbuffer: ${(e as Error).message}`, { file });
  }
}

const ACTIVATIONS: Partial<Record<ActivationFunctionType, Activation>> = {
  [ActivationFunctionType.NONE]: 'none',
  [ActivationFunctionType.RELU]: 'relu',
  [ActivationFunctionType.RELU6]: 'relu6',
  [ActivationFunctionType.RELU_N1_TO_1]: 'relu_n1_to_1',
};

const TENSOR_TYPES: Partial<Record<TensorType, GraphTensor['type']>> = {
  [TensorType.INT8]: 'int8',
  [TensorType.INT32]: 'int32',
  [TensorType.FLOAT32]: 'float32',
};

class Importer {
  constructor(
    readonly model: ModelT,
    readonly subgraph: SubGraphT,
    readonly file: string,
    readonly bytes: Uint8Array,
  ) {}

  fail(message: string, index?: number): never {
    if (index === undefined) throw new MurmurError(message, { file: this.file });
    const op = this.subgraph.operators[index]!;
    const shapes = [...op.inputs, ...op.outputs]
      .filter((t) => t >= 0)
      .map(
        (t) =>
          `${text(this.subgraph.tensors[t]?.name ?? null)} [${this.subgraph.tensors[t]?.shape.join(', ')}]`,
      )
      .join(', ');
    throw new MurmurError(`operator ${index} (${this.opName(op)}; ${shapes}): ${message}`, {
      file: this.file,
      field: `subgraphs[0].operators[${index}]`,
    });
  }

  /** A tensor's TFLite type; undefined for an index outside the tensors. */
  typeOf(t: number | undefined): TensorType | undefined {
    return t === undefined ? undefined : this.subgraph.tensors[t]?.type;
  }

  opName(op: OperatorT): string {
    const code = this.model.operatorCodes[op.opcodeIndex];
    return code ? operatorName(builtinCode(code)) : `opcode ${op.opcodeIndex}`;
  }

  tensor(t: TensorT, index: number): GraphTensor {
    const field = `subgraphs[0].tensors[${index}]`;
    const type = TENSOR_TYPES[t.type];
    if (!type)
      throw new MurmurError(
        `tensor ${index} '${text(t.name)}' is ${TensorType[t.type]}: only int8, int32 and float32 are supported`,
        {
          file: this.file,
          field,
        },
      );
    if (t.sparsity)
      throw new MurmurError(`tensor ${index} is sparse: not supported`, { file: this.file, field });
    const q = t.quantization;
    const quant =
      q && q.scale.length
        ? { scale: [...q.scale], zeroPoint: q.zeroPoint.map(Number), axis: q.quantizedDimension }
        : undefined;
    const data = this.bufferData(t, type, field);
    return {
      name: text(t.name),
      shape: [...t.shape],
      type,
      ...(quant ? { quant } : {}),
      ...(data ? { data } : {}),
    };
  }

  bufferData(
    t: TensorT,
    type: GraphTensor['type'],
    field: string,
  ): Int8Array | Int32Array | Float32Array | undefined {
    const buffer = this.model.buffers[t.buffer];
    if (!buffer)
      throw new MurmurError(`buffer ${t.buffer} does not exist`, {
        file: this.file,
        field: `${field}.buffer`,
      });
    let bytes: Uint8Array;
    if (buffer.offset > 1n) {
      const start = Number(buffer.offset);
      const end = start + Number(buffer.size);
      if (end > this.bytes.length)
        throw new MurmurError(`buffer ${t.buffer} lies beyond the end of the file`, {
          file: this.file,
          offset: start,
        });
      bytes = this.bytes.subarray(start, end);
    } else bytes = Uint8Array.from(buffer.data);
    if (!bytes.length) return undefined;
    const count = t.shape.reduce((n, d) => n * d, 1);
    const width = type === 'int8' ? 1 : 4;
    if (bytes.length !== count * width)
      throw new MurmurError(`buffer ${t.buffer} holds ${bytes.length} bytes, the tensor ${count * width}`, {
        file: this.file,
        field: `${field}.buffer`,
      });
    if (type === 'int8')
      return new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    if (type === 'float32')
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
    return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
  }

  activation(type: ActivationFunctionType, index: number): Activation {
    return (
      ACTIVATIONS[type] ??
      this.fail(`fused activation ${ActivationFunctionType[type]} is not supported`, index)
    );
  }

  padding(p: Padding): GraphPadding {
    return p === Padding.VALID ? 'valid' : 'same';
  }

  options<T>(op: OperatorT, index: number, type: new () => T): T {
    if (!(op.builtinOptions instanceof type)) this.fail('its builtin options are missing', index);
    return op.builtinOptions;
  }

  operator(op: OperatorT, index: number): GraphOp {
    const code = this.model.operatorCodes[op.opcodeIndex];
    if (!code) this.fail(`opcode index ${op.opcodeIndex} does not exist`, index);
    const inputs = op.inputs as [number, number, number];
    const outputs = op.outputs as [number];
    switch (builtinCode(code)) {
      case BuiltinOperator.CONV_2D: {
        const o = this.options(op, index, Conv2DOptionsT);
        return {
          op: 'conv2d',
          inputs: [inputs[0], inputs[1], inputs[2] ?? -1],
          outputs,
          stride: [o.strideH, o.strideW],
          dilation: [o.dilationHFactor, o.dilationWFactor],
          padding: this.padding(o.padding),
          activation: this.activation(o.fusedActivationFunction, index),
        };
      }
      case BuiltinOperator.DEPTHWISE_CONV_2D: {
        const o = this.options(op, index, DepthwiseConv2DOptionsT);
        return {
          op: 'depthwise_conv2d',
          inputs: [inputs[0], inputs[1], inputs[2] ?? -1],
          outputs,
          stride: [o.strideH, o.strideW],
          dilation: [o.dilationHFactor, o.dilationWFactor],
          depthMultiplier: o.depthMultiplier,
          padding: this.padding(o.padding),
          activation: this.activation(o.fusedActivationFunction, index),
        };
      }
      case BuiltinOperator.FULLY_CONNECTED: {
        const o = this.options(op, index, FullyConnectedOptionsT);
        return {
          op: 'fully_connected',
          inputs: [inputs[0], inputs[1], inputs[2] ?? -1],
          outputs,
          activation: this.activation(o.fusedActivationFunction, index),
        };
      }
      case BuiltinOperator.AVERAGE_POOL_2D:
      case BuiltinOperator.MAX_POOL_2D: {
        const o = this.options(op, index, Pool2DOptionsT);
        return {
          op: builtinCode(code) === BuiltinOperator.MAX_POOL_2D ? 'maxpool2d' : 'avgpool2d',
          inputs: [inputs[0]],
          outputs,
          filter: [o.filterHeight, o.filterWidth],
          stride: [o.strideH, o.strideW],
          padding: this.padding(o.padding),
          activation: this.activation(o.fusedActivationFunction, index),
        };
      }
      case BuiltinOperator.ADD: {
        const o = this.options(op, index, AddOptionsT);
        return {
          op: 'add',
          inputs: [inputs[0], inputs[1]],
          outputs,
          activation: this.activation(o.fusedActivationFunction, index),
        };
      }
      case BuiltinOperator.RESHAPE:
        return {
          op: 'reshape',
          inputs: inputs[1] !== undefined && inputs[1] >= 0 ? [inputs[0], inputs[1]] : [inputs[0]],
          outputs,
        };
      case BuiltinOperator.SOFTMAX:
        return {
          op: 'softmax',
          inputs: [inputs[0]],
          outputs,
          beta: this.options(op, index, SoftmaxOptionsT).beta,
        };
      case BuiltinOperator.PAD:
        return { op: 'pad', inputs: [inputs[0], inputs[1]], outputs };
      case BuiltinOperator.MEAN:
        return {
          op: 'mean',
          inputs: [inputs[0], inputs[1]],
          outputs,
          keepDims: this.options(op, index, ReducerOptionsT).keepDims,
        };
      case BuiltinOperator.QUANTIZE: {
        const from = this.subgraph.tensors[inputs[0]]?.type;
        if (
          (from !== TensorType.INT8 && from !== TensorType.FLOAT32) ||
          this.typeOf(outputs[0]) !== TensorType.INT8
        )
          return this.fail('only int8 or float32 to int8 is supported', index);
        return { op: 'quantize', inputs: [inputs[0]], outputs };
      }
      case BuiltinOperator.DEQUANTIZE:
        if (this.typeOf(inputs[0]) !== TensorType.INT8 || this.typeOf(outputs[0]) !== TensorType.FLOAT32)
          return this.fail('only int8 to float32 is supported', index);
        return { op: 'dequantize', inputs: [inputs[0]], outputs };
      default:
        return this.fail('operator not supported', index);
    }
  }
}

/** Imports a `.tflite` model held in memory. */
export function importTflite(bytes: Uint8Array, file = '<buffer>', name = 'model'): Int8Graph {
  const model = parseTflite(bytes, file);
  if (model.subgraphs.length !== 1)
    throw new MurmurError(`the model has ${model.subgraphs.length} subgraphs: only one is supported`, {
      file,
    });
  const subgraph = model.subgraphs[0]!;
  const im = new Importer(model, subgraph, file, bytes);
  const ops = subgraph.operators.map((op, i) => im.operator(op, i));
  // Shape tensors of RESHAPE (int32 constants) are not needed: keep only tensors the graph reads or writes.
  const used = new Set<number>([
    ...subgraph.inputs,
    ...subgraph.outputs,
    ...ops.flatMap((o) => [...o.inputs, ...o.outputs]),
  ]);
  const tensors = subgraph.tensors.map((t, i) => (used.has(i) ? im.tensor(t, i) : placeholder(t)));
  return {
    format: 'murmur-int8-graph',
    version: INT8_GRAPH_VERSION,
    name,
    tensors,
    ops,
    inputs: [...subgraph.inputs],
    outputs: [...subgraph.outputs],
  };
}

/** A tensor no op reads (e.g. a reshape's shape operand), kept so that tensor indices match the file's. */
function placeholder(t: TensorT): GraphTensor {
  return { name: text(t.name), shape: [...t.shape], type: 'int32' };
}

/** Imports a `.tflite` file. */
export function readTflite(path: string): Int8Graph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new MurmurError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
    });
  }
  return importTflite(bytes, path, (path.split('/').pop() ?? 'model').replace(/\.tflite$/, ''));
}
