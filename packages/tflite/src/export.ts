/**
 * int8 graph IR → `.tflite` (TFL3, schema version 3), written with the generated object API. Every
 * constant's bytes start on a 16-byte boundary, as TFLite's converter writes them. Importing the result
 * gives back the same graph.
 */
import * as flatbuffers from 'flatbuffers';
import type { Activation, GraphOp, GraphTensor, Int8Graph, Padding as GraphPadding } from '@murmur/kernels';
import {
  ActivationFunctionType,
  AddOptionsT,
  Buffer as FbBuffer,
  BufferT,
  BuiltinOperator,
  BuiltinOptions,
  Conv2DOptionsT,
  DepthwiseConv2DOptionsT,
  DequantizeOptionsT,
  FullyConnectedOptionsT,
  ModelT,
  OperatorCodeT,
  OperatorT,
  PadOptionsT,
  Padding,
  Pool2DOptionsT,
  QuantizationDetails,
  QuantizationParametersT,
  QuantizeOptionsT,
  ReducerOptionsT,
  ReshapeOptionsT,
  SoftmaxOptionsT,
  SubGraphT,
  TensorT,
  TensorType,
} from './generated/tflite_schema';

/** TFLite's operator versions for the int8 forms of the ops (op_version.cc). */
const OPERATORS: Record<GraphOp['op'], { code: BuiltinOperator; version: number }> = {
  conv2d: { code: BuiltinOperator.CONV_2D, version: 3 },
  depthwise_conv2d: { code: BuiltinOperator.DEPTHWISE_CONV_2D, version: 3 },
  fully_connected: { code: BuiltinOperator.FULLY_CONNECTED, version: 4 },
  avgpool2d: { code: BuiltinOperator.AVERAGE_POOL_2D, version: 2 },
  maxpool2d: { code: BuiltinOperator.MAX_POOL_2D, version: 2 },
  add: { code: BuiltinOperator.ADD, version: 2 },
  reshape: { code: BuiltinOperator.RESHAPE, version: 1 },
  softmax: { code: BuiltinOperator.SOFTMAX, version: 2 },
  pad: { code: BuiltinOperator.PAD, version: 2 },
  mean: { code: BuiltinOperator.MEAN, version: 2 },
  quantize: { code: BuiltinOperator.QUANTIZE, version: 1 },
  dequantize: { code: BuiltinOperator.DEQUANTIZE, version: 2 },
};

const ACTIVATIONS: Record<Activation, ActivationFunctionType> = {
  none: ActivationFunctionType.NONE,
  relu: ActivationFunctionType.RELU,
  relu6: ActivationFunctionType.RELU6,
  relu_n1_to_1: ActivationFunctionType.RELU_N1_TO_1,
};

const padding = (p: GraphPadding): Padding => (p === 'valid' ? Padding.VALID : Padding.SAME);

/** A buffer whose data vector is aligned to 16 bytes. */
class AlignedBufferT extends BufferT {
  override pack(builder: flatbuffers.Builder): flatbuffers.Offset {
    let data = 0;
    if (this.data.length) {
      builder.startVector(1, this.data.length, 16);
      for (let i = this.data.length - 1; i >= 0; i--) builder.addInt8(this.data[i]!);
      data = builder.endVector();
    }
    return FbBuffer.createBuffer(builder, data, 0n, 0n);
  }
}

function bytesOf(data: NonNullable<GraphTensor['data']>): number[] {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function options(op: GraphOp): [BuiltinOptions, OperatorT['builtinOptions']] {
  switch (op.op) {
    case 'conv2d':
      return [
        BuiltinOptions.Conv2DOptions,
        new Conv2DOptionsT(
          padding(op.padding),
          op.stride[1],
          op.stride[0],
          ACTIVATIONS[op.activation],
          op.dilation[1],
          op.dilation[0],
        ),
      ];
    case 'depthwise_conv2d':
      return [
        BuiltinOptions.DepthwiseConv2DOptions,
        new DepthwiseConv2DOptionsT(
          padding(op.padding),
          op.stride[1],
          op.stride[0],
          op.depthMultiplier,
          ACTIVATIONS[op.activation],
          op.dilation[1],
          op.dilation[0],
        ),
      ];
    case 'fully_connected':
      return [BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT(ACTIVATIONS[op.activation])];
    case 'avgpool2d':
    case 'maxpool2d':
      return [
        BuiltinOptions.Pool2DOptions,
        new Pool2DOptionsT(
          padding(op.padding),
          op.stride[1],
          op.stride[0],
          op.filter[1],
          op.filter[0],
          ACTIVATIONS[op.activation],
        ),
      ];
    case 'add':
      return [BuiltinOptions.AddOptions, new AddOptionsT(ACTIVATIONS[op.activation])];
    case 'reshape':
      return [BuiltinOptions.ReshapeOptions, new ReshapeOptionsT()];
    case 'softmax':
      return [BuiltinOptions.SoftmaxOptions, new SoftmaxOptionsT(op.beta)];
    case 'pad':
      return [BuiltinOptions.PadOptions, new PadOptionsT()];
    case 'mean':
      return [BuiltinOptions.ReducerOptions, new ReducerOptionsT(op.keepDims)];
    case 'quantize':
      return [BuiltinOptions.QuantizeOptions, new QuantizeOptionsT()];
    case 'dequantize':
      return [BuiltinOptions.DequantizeOptions, new DequantizeOptionsT()];
  }
}

/** The `.tflite` bytes of a graph. */
export function exportTflite(g: Int8Graph): Uint8Array {
  const codes: OperatorCodeT[] = [];
  const codeIndex = new Map<string, number>();
  const operators = g.ops.map((op) => {
    const { code, version } = OPERATORS[op.op];
    if (!codeIndex.has(op.op)) {
      codeIndex.set(op.op, codes.length);
      // Codes above 127 do not fit the deprecated int8 field, which then holds 127 (PLACEHOLDER_FOR_GREATER_OP_CODES).
      codes.push(new OperatorCodeT(Math.min(code, 127), null, version, code));
    }
    const [type, builtin] = options(op);
    return new OperatorT(codeIndex.get(op.op)!, [...op.inputs], [...op.outputs], type, builtin);
  });
  // Buffer 0 is the empty buffer that every tensor without data refers to.
  const buffers: BufferT[] = [new AlignedBufferT()];
  const tensors = g.tensors.map((t) => {
    let buffer = 0;
    if (t.data) {
      buffer = buffers.length;
      buffers.push(new AlignedBufferT(bytesOf(t.data)));
    }
    const quant = t.quant
      ? new QuantizationParametersT(
          [],
          [],
          [...t.quant.scale],
          t.quant.zeroPoint.map((z) => BigInt(z)),
          QuantizationDetails.NONE,
          null,
          t.quant.axis,
        )
      : null;
    const type =
      t.type === 'int8' ? TensorType.INT8 : t.type === 'int32' ? TensorType.INT32 : TensorType.FLOAT32;
    return new TensorT([...t.shape], type, buffer, t.name, quant);
  });
  const model = new ModelT(
    3,
    codes,
    [new SubGraphT(tensors, [...g.inputs], [...g.outputs], operators, 'main')],
    `Murmur int8 graph '${g.name}'`,
    buffers,
  );
  const builder = new flatbuffers.Builder(1024);
  builder.finish(model.pack(builder), 'TFL3');
  return builder.asUint8Array().slice();
}
