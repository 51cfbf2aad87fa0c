/** Every graph op's kernel, by op name. */
import type { GraphOp } from '../ir';
import { add } from './add';
import { avgpool2d } from './avgpool2d';
import { conv2d } from './conv2d';
import { depthwiseConv2d } from './depthwise-conv2d';
import { dequantize } from './dequantize';
import { fullyConnected } from './fully-connected';
import type { GraphKernel } from './kernel';
import { maxpool2d } from './maxpool2d';
import { mean } from './mean';
import { pad } from './pad';
import { quantize } from './quantize';
import { reshape } from './reshape';
import { softmax } from './softmax';

export const GRAPH_KERNELS: { [O in GraphOp as O['op']]: GraphKernel<O, unknown> } = {
  conv2d: conv2d as GraphKernel<GraphOp & { op: 'conv2d' }, unknown>,
  depthwise_conv2d: depthwiseConv2d as GraphKernel<GraphOp & { op: 'depthwise_conv2d' }, unknown>,
  fully_connected: fullyConnected as GraphKernel<GraphOp & { op: 'fully_connected' }, unknown>,
  avgpool2d: avgpool2d as GraphKernel<GraphOp & { op: 'avgpool2d' }, unknown>,
  maxpool2d: maxpool2d as GraphKernel<GraphOp & { op: 'maxpool2d' }, unknown>,
  add: add as GraphKernel<GraphOp & { op: 'add' }, unknown>,
  reshape: reshape as GraphKernel<GraphOp & { op: 'reshape' }, unknown>,
  softmax: softmax as GraphKernel<GraphOp & { op: 'softmax' }, unknown>,
  pad: pad as GraphKernel<GraphOp & { op: 'pad' }, unknown>,
  mean: mean as GraphKernel<GraphOp & { op: 'mean' }, unknown>,
  quantize: quantize as GraphKernel<GraphOp & { op: 'quantize' }, unknown>,
  dequantize: dequantize as GraphKernel<GraphOp & { op: 'dequantize' }, unknown>,
};

/** The kernel of an op. */
export function graphKernel<O extends GraphOp>(op: O): GraphKernel<O, unknown> {
  return GRAPH_KERNELS[op.op] as unknown as GraphKernel<O, unknown>;
}
