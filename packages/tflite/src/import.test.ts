import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { inferGraph, prepareGraph } from '@murmur/kernels';
import { floatEdgesGraph, reshapingGraph, tinyGraph } from '@murmur/kernels/testing';
import { exportTflite } from './export';
import { BuiltinOperator, Model, TensorType } from './generated/tflite_schema';
import { importTflite, parseTflite } from './import';
import { MLPERF_TINY_MODELS, mlperfTiny } from './testing';

const models = mlperfTiny();
const tiny = tinyGraph();
const tinyBytes = exportTflite(tiny);

/** Import must give a graph or a MurmurError: never another exception, a hang or a huge allocation. */
function importsOrFailsTyped(bytes: Uint8Array): void {
  try {
    const g = prepareGraph(importTflite(bytes, 'fuzzed.tflite'));
    inferGraph(
      g,
      g.graph.inputs.map((t) => {
        const n = g.graph.tensors[t]!.shape.reduce((k, d) => k * d, 1);
        return g.graph.tensors[t]!.type === 'float32' ? new Float32Array(n) : new Int8Array(n);
      }),
    );
  } catch (e) {
    if (!(e instanceof MurmurError)) throw e;
  }
}

describe('tflite export and import', () => {
  it('round-trips a graph: import(export(g)) is g', () => {
    expect(importTflite(tinyBytes, 'tiny.tflite', 'tiny')).toEqual(tiny);
  });

  it('round-trips PAD, QUANTIZE (int8 to int8), MEAN and a broadcasting ADD', () => {
    const g = reshapingGraph();
    const back = importTflite(exportTflite(g), 'reshaping.tflite', 'reshaping');
    expect(back).toEqual(g);
    expect(back.ops.map((o) => o.op)).toEqual(['pad', 'quantize', 'mean', 'mean', 'add']);
  });

  it('round-trips float32 edges: QUANTIZE from a float32 input, DEQUANTIZE to a float32 output', () => {
    for (const g of [floatEdgesGraph(), floatEdgesGraph('float-edges-conv', 'conv2d')]) {
      const back = importTflite(exportTflite(g), 'float.tflite', g.name);
      expect(back).toEqual(g);
      expect(back.tensors[back.inputs[0]!]!.type).toBe('float32');
      expect(back.tensors[back.outputs[0]!]!.type).toBe('float32');
      expect(back.ops.map((o) => o.op)).toEqual(['quantize', g.ops[1]!.op, 'dequantize']);
      // And once more: export(import(export(g))) writes the same bytes.
      expect(exportTflite(back)).toEqual(exportTflite(g));
    }
  });

  it('names a QUANTIZE or DEQUANTIZE between other types, its index and its tensor shapes', () => {
    const rewrite = (
      edit: (tensors: { type: TensorType }[], ops: { inputs: number[]; outputs: number[] }[]) => void,
    ) => {
      const model = parseTflite(exportTflite(floatEdgesGraph()));
      edit(model.subgraphs[0]!.tensors, model.subgraphs[0]!.operators);
      const builder = new flatbuffers.Builder(1024);
      builder.finish(model.pack(builder), 'TFL3');
      return builder.asUint8Array();
    };
    const toInt32 = rewrite((tensors, ops) => void (tensors[ops[0]!.inputs[0]!]!.type = TensorType.INT32));
    expect(() => importTflite(toInt32, 'int32.tflite')).toThrow(
      /int32\.tflite.*operator 0 \(QUANTIZE; input \[1, 12\], quantized \[1, 12\]\): only int8 or float32 to int8/,
    );
    const toInt8 = rewrite((tensors, ops) => void (tensors[ops[2]!.outputs[0]!]!.type = TensorType.INT8));
    expect(() => importTflite(toInt8, 'int8-out.tflite')).toThrow(
      /int8-out\.tflite.*operator 2 \(DEQUANTIZE; logits \[1, 5\], output \[1, 5\]\): only int8 to float32/,
    );
  });

  it('writes every constant 16-byte aligned in a TFL3 file', () => {
    const model = Model.getRootAsModel(new flatbuffers.ByteBuffer(tinyBytes));
    expect(Model.bufferHasIdentifier(new flatbuffers.ByteBuffer(tinyBytes))).toBe(true);
    expect(model.version()).toBe(3);
    let constants = 0;
    for (let i = 0; i < model.buffersLength(); i++) {
      const data = model.buffers(i)!.dataArray();
      if (!data?.length) continue;
      constants++;
      expect(data.byteOffset % 16, `buffer ${i}`).toBe(0);
    }
    expect(constants).toBe(tiny.tensors.filter((t) => t.data).length);
  });

  it.skipIf(models.skip)(models.title('round-trips the MLPerf Tiny models'), () => {
    for (const name of MLPERF_TINY_MODELS) {
      const g = importTflite(readFileSync(join(models.dir, `${name}.tflite`)), name, name);
      expect(importTflite(exportTflite(g), name, name), name).toEqual(g);
    }
  });

  it('names the file when it is not a TFLite model', () => {
    expect(() => importTflite(new TextEncoder().encode('hello, world! this is text'), 'x.tflite')).toThrow(
      /x\.tflite.*not a TFLite model.*'TFL3'/,
    );
    expect(() => importTflite(new Uint8Array(3), 'short.tflite')).toThrow(/short\.tflite.*3 bytes/);
  });

  it('names an unsupported operator, its index and its tensor shapes', () => {
    const model = parseTflite(tinyBytes);
    const softmax = model.operatorCodes.findIndex((c) => c.builtinCode === BuiltinOperator.SOFTMAX);
    model.operatorCodes[softmax]!.builtinCode = BuiltinOperator.TANH;
    model.operatorCodes[softmax]!.deprecatedBuiltinCode = BuiltinOperator.TANH;
    const builder = new flatbuffers.Builder(1024);
    builder.finish(model.pack(builder), 'TFL3');
    expect(() => importTflite(builder.asUint8Array(), 'tanh.tflite')).toThrow(
      /tanh\.tflite.*operator 8 \(TANH; logits \[1, 3\], probabilities \[1, 3\]\): operator not supported/,
    );
  });

  it('takes the larger of the deprecated and the new builtin code', () => {
    const model = parseTflite(tinyBytes);
    for (const code of model.operatorCodes) code.deprecatedBuiltinCode = 0;
    const builder = new flatbuffers.Builder(1024);
    builder.finish(model.pack(builder), 'TFL3');
    expect(importTflite(builder.asUint8Array(), 'tiny', 'tiny')).toEqual(tiny);
  });

  it('fails with a typed error on truncated, bit-flipped and random files', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: tinyBytes.length - 1 }), (n) =>
        importsOrFailsTyped(tinyBytes.slice(0, n)),
      ),
      { numRuns: 300, seed: 17 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: tinyBytes.length - 1 }), fc.integer({ min: 0, max: 7 })),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (flips) => {
          const bytes = tinyBytes.slice();
          for (const [at, bit] of flips) bytes[at]! ^= 1 << bit;
          importsOrFailsTyped(bytes);
        },
      ),
      { numRuns: 2000, seed: 18 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), (bytes) => {
        // Most random files carry the identifier, so that the parser, not the identifier check, meets them.
        if (bytes.length >= 8) bytes.set([0x54, 0x46, 0x4c, 0x33], 4);
        importsOrFailsTyped(bytes);
      }),
      { numRuns: 500, seed: 19 },
    );
  });
});
