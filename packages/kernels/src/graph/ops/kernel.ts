/**
 * The contract of an int8 graph op: `prepare` computes its integer parameters once from the graph (as
 * TFLite Micro's Prepare does), `run` is the TS reference of TFLite's int8 reference kernel.
 */
import type { GraphOp, Int8Graph } from '../ir';

/** Tensor values by tensor index during an inference (constants and computed activations). */
export type TensorValues = (Int8Array | Int32Array | Float32Array | undefined)[];

export interface GraphKernel<O extends GraphOp, P> {
  /** Checks the op against its tensors and computes its parameters; throws `opError` naming the op. */
  prepare(op: O, g: Int8Graph, index: number): P;
  run(op: O, params: P, values: TensorValues): void;
}

export const int8 = (values: TensorValues, t: number): Int8Array => values[t] as Int8Array;
export const int32 = (values: TensorValues, t: number): Int32Array | undefined =>
  t >= 0 ? (values[t] as Int32Array) : undefined;
