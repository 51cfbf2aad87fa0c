/**
 * TensorFlow Lite itself, as a second opinion on a `.tflite` file: the TFLite interpreter compiled to
 * WebAssembly (`@tensorflow/tfjs-tflite`'s `tflite_web_api`, the builtin op resolver with TFLite's
 * optimized kernels), run in Node. It proves that TFLite accepts a file Murmur wrote and what TFLite
 * computes from it. Its optimized kernels round some requantizations differently from the reference
 * kernels (the golden files), so its outputs are compared with a tolerance, not byte for byte.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MurmurError } from '@murmur/core';

interface WasmTensor {
  name: string;
  dataType: string;
  data(): Int8Array | Uint8Array | Int32Array | Float32Array;
}
interface WasmVector<T> {
  size(): number;
  get(i: number): T;
}
interface WasmRunner {
  GetInputs(): WasmVector<WasmTensor>;
  GetOutputs(): WasmVector<WasmTensor>;
  Infer(): boolean;
  delete(): void;
}
interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(
      ptr: number,
      bytes: number,
      options: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number },
    ): { ok(): boolean; errorMessage(): string; value(): WasmRunner };
  };
}
type ModuleFactory = (opts: {
  wasmBinary: Uint8Array;
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<WasmModule>;

/** A loaded model: run it on int8 (or float32) inputs, get its int8 (or float32) outputs. */
export interface TfliteRuntimeModel {
  inputs: { name: string; dataType: string }[];
  outputs: { name: string; dataType: string }[];
  /** One inference: `inputs[i]`'s bytes are copied into input tensor i; the outputs are copies, float32 ones as Float32Array. */
  run(inputs: readonly (Int8Array | Float32Array)[]): (Int8Array | Float32Array)[];
  close(): void;
}

let modulePromise: Promise<WasmModule> | undefined;
const printed: string[] = [];

function loadModule(): Promise<WasmModule> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-tflite/package.json')), 'wasm');
  const factory = require(join(dir, 'tflite_web_api_cc.js')) as ModuleFactory;
  const wasmBinary = readFileSync(join(dir, 'tflite_web_api_cc.wasm'));
  const keep = (s: string): void => void printed.push(s);
  return factory({ wasmBinary, print: keep, printErr: keep });
}

/** Loads `model` (the bytes of a .tflite) into TFLite; a file TFLite refuses is a MurmurError with its words. */
export async function loadTfliteRuntime(model: Uint8Array, file: string): Promise<TfliteRuntimeModel> {
  const m = await (modulePromise ??= loadModule());
  const ptr = m._malloc(model.length);
  m.HEAPU8.set(model, ptr);
  printed.length = 0;
  const created = m.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, model.length, {
    numThreads: 1,
    enableProfiling: false,
    maxProfilingBufferEntries: 1,
  });
  if (!created.ok()) {
    m._free(ptr);
    const said = [created.errorMessage(), ...printed].filter(Boolean).join('; ');
    throw new MurmurError(`TensorFlow Lite refuses the model: ${said}`, { file });
  }
  const runner = created.value();
  const list = (v: WasmVector<WasmTensor>): WasmTensor[] =>
    Array.from({ length: v.size() }, (_, i) => v.get(i));
  const inputs = list(runner.GetInputs());
  const outputs = list(runner.GetOutputs());
  const describe = (t: WasmTensor) => ({ name: t.name, dataType: t.dataType });
  return {
    inputs: inputs.map(describe),
    outputs: outputs.map(describe),
    run(values) {
      if (values.length !== inputs.length)
        throw new MurmurError(`the model has ${inputs.length} inputs, got ${values.length}`, { file });
      values.forEach((v, i) => {
        const target = inputs[i]!.data();
        if (target.length !== v.length || target.byteLength !== v.byteLength)
          throw new MurmurError(
            `input ${i} holds ${target.length} ${inputs[i]!.dataType} values, got ${v.length} of ${v.BYTES_PER_ELEMENT} bytes`,
            { file, field: `inputs[${i}]` },
          );
        new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(
          new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
        );
      });
      if (!runner.Infer())
        throw new MurmurError(`TensorFlow Lite failed to run the model: ${printed.join('; ')}`, { file });
      return outputs.map((t) => {
        const d = t.data();
        if (d instanceof Float32Array) return Float32Array.from(d);
        return Int8Array.from(new Int8Array(d.buffer, d.byteOffset, d.length));
      });
    },
    close() {
      runner.delete();
      m._free(ptr);
    },
  };
}
