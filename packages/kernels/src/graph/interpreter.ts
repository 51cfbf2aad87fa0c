/**
 * The TS reference of an int8 graph: each op's kernel in execution order, every tensor kept, so that a
 * test can compare any intermediate tensor with TFLite's.
 */
import { MurmurError } from '@murmur/core';
import { checkGraph, elementCount, opError, type Int8Graph } from './ir';
import { graphKernel } from './ops';
import type { TensorValues } from './ops/kernel';

export interface PreparedGraph {
  graph: Int8Graph;
  /** Each op's integer parameters, in op order. */
  params: unknown[];
}

/** Checks every op against its tensors and computes its parameters once (TFLite Micro's Prepare). */
export function prepareGraph(graph: Int8Graph): PreparedGraph {
  checkGraph(graph);
  const params = graph.ops.map((op, i) => {
    try {
      return graphKernel(op).prepare(op, graph, i);
    } catch (e) {
      // Parameters no kernel can represent (e.g. a multiplier of 2^40 from hostile scales) are the op's fault.
      throw e instanceof MurmurError ? e : opError(graph, i, (e as Error).message);
    }
  });
  return { graph, params };
}

/** A graph input's or output's values: int8, or float32 at a model's float edges. */
export type GraphValues = Int8Array | Float32Array;

/** Runs one inference; returns every tensor's values (constants included), indexed by tensor. */
export function runGraph(prepared: PreparedGraph, inputs: readonly GraphValues[]): TensorValues {
  const { graph } = prepared;
  if (inputs.length !== graph.inputs.length)
    throw new MurmurError(`the graph has ${graph.inputs.length} input(s), got ${inputs.length}`, {
      field: 'inputs',
    });
  const values: TensorValues = graph.tensors.map((t) => t.data);
  graph.inputs.forEach((t, i) => {
    const expected = elementCount(graph.tensors[t]!.shape);
    if (inputs[i]!.length !== expected)
      throw new MurmurError(
        `input ${i} has ${inputs[i]!.length} values, tensor '${graph.tensors[t]!.name}' ${expected}`,
        {
          field: `inputs[${i}]`,
        },
      );
    const type = graph.tensors[t]!.type;
    if (!(type === 'float32' ? inputs[i] instanceof Float32Array : inputs[i] instanceof Int8Array))
      throw new MurmurError(`input ${i} must be ${type} values (tensor '${graph.tensors[t]!.name}')`, {
        field: `inputs[${i}]`,
      });
    values[t] = inputs[i];
  });
  graph.ops.forEach((op, i) => {
    for (const t of op.outputs) {
      const n = elementCount(graph.tensors[t]!.shape);
      values[t] = graph.tensors[t]!.type === 'float32' ? new Float32Array(n) : new Int8Array(n);
    }
    graphKernel(op).run(op, prepared.params[i], values);
  });
  return values;
}

/** The graph's outputs for one inference. */
export function inferGraph(prepared: PreparedGraph, inputs: readonly GraphValues[]): GraphValues[] {
  const values = runGraph(prepared, inputs);
  return prepared.graph.outputs.map((t) => values[t] as GraphValues);
}
