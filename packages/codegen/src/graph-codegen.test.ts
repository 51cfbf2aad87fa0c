import { describe, expect, it } from 'vitest';
import { prepareGraph } from '@murmur/kernels';
import { floatEdgesGraph, inPlaceGraph, tinyGraph } from '@murmur/kernels/testing';
import { generateGraphLibrary } from './graph-library';
import { generateGraphCode, runsInPlace } from './graph-codegen';

describe('graph code: convolutions in place', () => {
  it('runs depthwise and 1 x 1 convolutions over their input when the input dies there', () => {
    const prepared = prepareGraph(inPlaceGraph());
    const { source, plan } = generateGraphCode(prepared, 'in_place', 'a test graph');
    expect(source.match(/murmur_depthwise_conv2d_s8_in_place\(/g)).toHaveLength(2);
    // The graph's input and one buffer that every later activation shares; the rest is kernel scratch.
    const activations = plan.buffers.filter((b) => !b.name.startsWith('scratch'));
    expect(activations).toHaveLength(2);
    const [input, shared] = activations;
    expect(input!.size).toBe(7 * 5 * 2);
    expect(shared!.size).toBe(7 * 5 * 6);
    // In place, a depthwise convolution's scratch is its filter_h rows of input.
    expect(plan.buffers.find((b) => b.name === 'scratch1')!.size).toBe(3 * 5 * 6);
    expect(plan.buffers.find((b) => b.name === 'scratch4')!.size).toBe(5 * 5 * 3);
    expect(plan.size).toBeLessThan(7 * 5 * (2 + 6 + 6));
  });

  it('keeps input and output apart where an output element reads other pixels of the input', () => {
    const prepared = prepareGraph(tinyGraph());
    const inPlace = prepared.graph.ops.map((op, i) => `${op.op}:${runsInPlace(op, prepared.params[i])}`);
    expect(inPlace).toEqual([
      'conv2d:false', // 3 x 3
      'depthwise_conv2d:false', // stride 2, depth multiplier 2
      'conv2d:true', // 1 x 1, 8 to 8 channels
      'add:true',
      'maxpool2d:false',
      'avgpool2d:false',
      'reshape:true',
      'fully_connected:false',
      'softmax:true',
    ]);
    // The 1 x 1 convolution's input is read again by the ADD after it: it is not written over.
    const { source } = generateGraphCode(prepared, 'tiny', 'a test graph');
    expect(source).not.toMatch(/_in_place\(/);
    const op2 =
      /status = murmur_conv2d_s8(?:_interleaved)?\(&ctx, [^,]+, [^,]+, (\([^)]+\)), [^,]+, (\([^)]+\))\)/.exec(
        source.slice(source.indexOf('/* op 2:', source.indexOf('_invoke('))),
      );
    expect(op2![1]).not.toBe(op2![2]);
  });
});

describe('graph code: float32 edges', () => {
  it('takes and gives float * and holds the float32 tensors in the arena at 4 bytes an element', () => {
    const prepared = prepareGraph(floatEdgesGraph());
    const { header, source, plan } = generateGraphCode(prepared, 'float_edges', 'a test graph');
    expect(header).toContain('int murmur_float_edges_invoke(const float *input, float *output);');
    expect(header).toMatch(/input \[1, 12\] float32, output \[1, 5\] float32/);
    expect(source).toMatch(
      /murmur_quantize_f32_s8\(&\w+, \(\(float \*\)\(void \*\)\(murmur_float_edges_arena \+ \d+\)\)/,
    );
    expect(source).toMatch(
      /murmur_dequantize_s8_f32\(&\w+, \(murmur_float_edges_arena \+ \d+\), \(\(float \*\)/,
    );
    expect(source).toMatch(/memcpy\(\(murmur_float_edges_arena \+ \d+\), input, 48u\);/);
    expect(source).toMatch(/memcpy\(output, \(murmur_float_edges_arena \+ \d+\), 20u\);/);
    // The float32 scales as exact hexadecimal literals.
    expect(source).toMatch(/murmur_affine_params \w+_params = \{12u, 0x1\.[0-9a-f]+p-6f, -4\};/);
    const sizes = plan.buffers.filter((b) => !b.name.startsWith('scratch')).map((b) => b.size);
    expect(sizes).toEqual([48, 12, 5, 20]);
    expect(plan.buffers.every((b) => b.offset % 4 === 0)).toBe(true);
    expect(prepared.graph.ops.map((op, i) => runsInPlace(op, prepared.params[i]))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('gives the library float arrays in its usage and its Arduino example', () => {
    const { files } = generateGraphLibrary(prepareGraph(floatEdgesGraph()), {
      name: 'float_edges',
      origin: 'f.tflite',
    });
    const text = files.map((f) => f.text).join('\n');
    expect(text).toContain('static float input[MURMUR_FLOAT_EDGES_INPUT_SIZE];');
    expect(text).toContain('static float output[MURMUR_FLOAT_EDGES_OUTPUT_SIZE];');
    expect(text).toContain(
      'float input[MURMUR_FLOAT_EDGES_INPUT_SIZE], output[MURMUR_FLOAT_EDGES_OUTPUT_SIZE];',
    );
  });
});
