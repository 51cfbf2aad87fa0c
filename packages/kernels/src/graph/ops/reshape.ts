/** RESHAPE: the same bytes under the output tensor's shape. */
import { elementCount, opError, type ReshapeOp } from '../ir';
import { int8, type GraphKernel } from './kernel';

export const reshape: GraphKernel<ReshapeOp, { size: number }> = {
  prepare(op, g, index) {
    const [x, y] = [g.tensors[op.inputs[0]]!, g.tensors[op.outputs[0]]!];
    if (elementCount(x.shape) !== elementCount(y.shape))
      throw opError(g, index, 'input and output must have the same number of elements');
    if (x.quant?.scale[0] !== y.quant?.scale[0] || x.quant?.zeroPoint[0] !== y.quant?.zeroPoint[0])
      throw opError(g, index, 'input and output must have the same quantization');
    return { size: elementCount(y.shape) };
  },
  run(op, _, values) {
    int8(values, op.outputs[0]).set(int8(values, op.inputs[0]));
  },
};
