/**
 * What each op of an int8 graph costs: multiply-accumulates, constant bytes (weights and biases, in flash)
 * and output bytes (an activation in RAM). MACs count CONV_2D (output elements × kh × kw × input
 * channels), DEPTHWISE_CONV_2D (output elements × kh × kw) and FULLY_CONNECTED (outputs × inputs per
 * row), positions padded by SAME included, as the MLPerf Tiny figures count them.
 */
import { elementCount, tensorBytes, type Int8Graph } from './ir';

export interface OpSummary {
  index: number;
  op: string;
  inputs: number[][];
  output: number[];
  macs: number;
  constantBytes: number;
  outputBytes: number;
}

export interface GraphSummary {
  ops: OpSummary[];
  macs: number;
  constantBytes: number;
  /** Largest single activation. */
  largestActivationBytes: number;
}

const bytesOf = (g: Int8Graph, t: number): number =>
  t >= 0 && g.tensors[t]!.data ? g.tensors[t]!.data!.byteLength : 0;

export function summarizeGraph(g: Int8Graph): GraphSummary {
  const ops = g.ops.map((op, index): OpSummary => {
    const out = g.tensors[op.outputs[0]]!.shape;
    const outElements = elementCount(out);
    let macs = 0;
    if (op.op === 'conv2d') {
      const [, kh, kw, ci] = g.tensors[op.inputs[1]]!.shape as number[];
      macs = outElements * kh! * kw! * ci!;
    } else if (op.op === 'depthwise_conv2d') {
      const [, kh, kw] = g.tensors[op.inputs[1]]!.shape as number[];
      macs = outElements * kh! * kw!;
    } else if (op.op === 'fully_connected') {
      macs = outElements * g.tensors[op.inputs[1]]!.shape[1]!;
    }
    return {
      index,
      op: op.op,
      inputs: op.inputs.filter((t) => t >= 0).map((t) => g.tensors[t]!.shape),
      output: out,
      macs,
      constantBytes: op.inputs.reduce((n, t) => n + bytesOf(g, t), 0),
      outputBytes: tensorBytes(g.tensors[op.outputs[0]]!),
    };
  });
  return {
    ops,
    macs: ops.reduce((n, o) => n + o.macs, 0),
    constantBytes: ops.reduce((n, o) => n + o.constantBytes, 0),
    largestActivationBytes: Math.max(0, ...ops.map((o) => o.outputBytes)),
  };
}
