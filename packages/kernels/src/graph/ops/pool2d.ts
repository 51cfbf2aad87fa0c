/** The shared prepare of AVERAGE_POOL_2D and MAX_POOL_2D: shapes, padding and the activation clamp. */
import { opError, type Int8Graph, type Pool2dOp } from '../ir';
import { activationRange, spatialPadding } from '../quant';

export interface Pool2dParams {
  input: [number, number, number, number];
  output: [number, number, number, number];
  filter: [number, number];
  stride: [number, number];
  pad: [number, number];
  activationMin: number;
  activationMax: number;
}

export function preparePool2d(op: Pool2dOp, g: Int8Graph, index: number): Pool2dParams {
  const x = g.tensors[op.inputs[0]]!;
  const y = g.tensors[op.outputs[0]]!;
  if (x.shape.length !== 4) throw opError(g, index, 'needs an NHWC input');
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const ph = spatialPadding(op.padding, h, op.filter[0], op.stride[0], 1);
  const pw = spatialPadding(op.padding, w, op.filter[1], op.stride[1], 1);
  if (y.shape.join() !== [n, ph.out, pw.out, c].join())
    throw opError(g, index, `output shape must be [${[n, ph.out, pw.out, c].join(', ')}]`);
  const xq = x.quant;
  const yq = y.quant;
  if (xq?.scale[0] !== yq?.scale[0] || xq?.zeroPoint[0] !== yq?.zeroPoint[0])
    throw opError(g, index, 'input and output must have the same quantization');
  const [activationMin, activationMax] = activationRange(op.activation, y);
  return {
    input: [n, h, w, c],
    output: [n, ph.out, pw.out, c],
    filter: op.filter,
    stride: op.stride,
    pad: [ph.pad, pw.pad],
    activationMin,
    activationMax,
  };
}

/**
 * Calls `visit(outIndex, pixels, count, channel)` for each output element: the input elements its window
 * covers (clipped to the input: padding is never averaged in) are `pixels[i] + channel` for i < count.
 */
export function forEachWindow(
  p: Pool2dParams,
  visit: (out: number, pixels: number[], count: number, channel: number) => void,
): void {
  const [n, h, w, c] = p.input;
  const [, oh, ow] = p.output;
  const window: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const y0 = oy * p.stride[0] - p.pad[0];
        const x0 = ox * p.stride[1] - p.pad[1];
        const fy0 = Math.max(0, -y0);
        const fy1 = Math.min(p.filter[0], h - y0);
        const fx0 = Math.max(0, -x0);
        const fx1 = Math.min(p.filter[1], w - x0);
        let count = 0;
        for (let fy = fy0; fy < fy1; fy++)
          for (let fx = fx0; fx < fx1; fx++) window[count++] = ((b * h + y0 + fy) * w + x0 + fx) * c;
        for (let ch = 0; ch < c; ch++) visit(((b * oh + oy) * ow + ox) * c + ch, window, count, ch);
      }
    }
  }
}
