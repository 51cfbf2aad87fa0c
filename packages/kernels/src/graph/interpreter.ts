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

/** Runs one inference; returns every tensor's values (constants included), indexed by tensor. */
export function runGraph(prepared: PreparedGraph, inputs: Int8Array[]): TensorValues {
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
    values[t] = inputs[i];
  });
  graph.ops.forEach((op, i) => {
    for (const t of op.outputs) values[t] = new Int8Array(elementCount(graph.tensors[t]!.shape));
    graphKernel(op).run(op, prepared.params[i], values);
  });
  return values;
}

/** The graph's outputs for one inference. */
export function inferGraph(prepared: PreparedGraph, inputs: Int8Array[]): Int8Array[] {
  const values = runGraph(prepared, inputs);
  return prepared.graph.outputs.map((t) => values[t] as Int8Array);
}
