import type { CompressedModel, QuantizedWeightLayer } from '@murmur/kernels';
import type { BenchSuite } from '../suite';
import { listApps, loadApp } from '@murmur/app';

/**
 * Emulated cores the generated libraries are measured on (hardware boards run on these proxies); the
 * RP2040 board is the Cortex-M0+ on the micro:bit machine sized to its 264 KB of RAM; the ATmega1284P runs
 * the apps that do not fit the ATmega328P's 2 KB on the same 8-bit core.
 */
const cores = [
  'qemu-microbit',
  'rpi-pico-sx1262',
  'qemu-mps2-an385',
  'qemu-mps2-an386',
  'qemu-mps2-an505',
  'simavr-atmega328p',
  'simavr-atmega1284p',
];

/**
 * Generated C: per app and core the flash of the model beyond its weights, weight, arena, stack and RAM
 * bytes, and the cost per inference split into features / model / payload (instructions on Cortex-M under
 * QEMU -icount, cycles on the ATmega328P under simavr), each run checked byte-equal with the TS reference;
 * and instructions per MAC of int8 dense and conv1d layers (reference shapes and the apps' own layers) on the
 * Cortex-M4 with and without the DSP path, and of the reference shapes on the M3, M0 and ATmega328P.
 */
export const suite: BenchSuite = {
  name: 'codegen',
  description:
    'generated C per app x core: code beyond weights, RAM, cost per inference; instructions per MAC on M4',
  async run() {
    const { getBoard } = await import('@murmur/boards');
    const { createRng } = await import('@murmur/core');
    const verify = await import('@murmur/verify');
    const { compressedShapes, isQuantizedWeightLayer } = await import('@murmur/kernels');
    const apps = [];
    const appModels: { app: string; model: CompressedModel }[] = [];
    for (const app of listApps()) {
      const options = verify.appLibraryOptions(await loadApp(app));
      if (options.model) appModels.push({ app, model: options.model }); // none for an app without a model
      for (const boardId of cores) {
        const board = getBoard(boardId);
        try {
          const r = await verify.runLibraryCheck(board, options, { windows: 20, period: 10 });
          apps.push({
            app,
            board: boardId,
            unit: r.unit,
            bitExact:
              r.mismatches.length === 0 && r.windowsEqual === r.windows && r.uplinksEqual === r.uplinks,
            windows: r.windows,
            modelCodeBytesBeyondWeights: options.model ? r.modelFlash! - r.weightBytes : 0,
            weightBytes: r.weightBytes,
            arenaBytes: r.arenaBytes,
            stackBytes: r.memory!.stack,
            libraryFlashBytes: r.memory!.flash,
            ramBytesWithStack: r.memory!.ram,
            macs: r.macs,
            perInference: {
              features: Math.round(r.cost.features.mean),
              model: Math.round(r.cost.model.mean),
              payload: Math.round(r.cost.payload.mean),
            },
            maxPerInference: {
              features: r.cost.features.max,
              model: r.cost.model.max,
              payload: r.cost.payload.max,
            },
          });
        } catch (e) {
          apps.push({
            app,
            board: boardId,
            fits: false,
            reason: (e as Error).message.replace(/\s+/g, ' ').slice(0, 400),
          });
        }
      }
    }

    // Instructions per MAC of single layers on the Cortex-M4 (mps2-an386), DSP path and plain path.
    const rng = createRng('codegen-bench');
    const m4 = getBoard('qemu-mps2-an386');
    const quant = { scale: 0.05, zeroPoint: 3 };
    const layer = (
      op: 'dense' | 'conv1d',
      rows: number,
      cols: number,
      params: QuantizedWeightLayer['params'],
    ): QuantizedWeightLayer => ({
      op,
      params,
      input: quant,
      output: { scale: 0.1, zeroPoint: -2 },
      weights: verify.randomWeights(rng, 'int8', rows, cols),
      bias: new Int32Array(rows),
      multiplier: new Int32Array(rows).fill(1 << 30),
      shift: new Int8Array(rows).fill(-9),
      activationMin: -128,
      activationMax: 127,
    });
    const layers = [
      {
        name: 'dense 64 -> 32',
        model: verify.singleLayerModel(layer('dense', 32, 64, { units: 32, activation: 'none' }), [64]),
      },
      {
        name: 'dense 256 -> 64',
        model: verify.singleLayerModel(layer('dense', 64, 256, { units: 64, activation: 'none' }), [256]),
      },
      {
        name: 'conv1d [128, 3] k5 f8 same',
        model: verify.singleLayerModel(
          layer('conv1d', 8, 15, {
            filters: 8,
            kernelSize: 5,
            strides: 1,
            padding: 'same',
            activation: 'none',
          }),
          [128, 3],
        ),
      },
      {
        name: 'conv1d [64, 16] k3 f32 same',
        model: verify.singleLayerModel(
          layer('conv1d', 32, 48, {
            filters: 32,
            kernelSize: 3,
            strides: 1,
            padding: 'same',
            activation: 'none',
          }),
          [64, 16],
        ),
      },
    ];
    const perMacM4 = async (name: string, model: CompressedModel) => {
      const dsp = await verify.measureModelCost(model, m4);
      const plain = await verify.measureModelCost(model, m4, { cflags: ['-DMURMUR_NN_NO_DSP'] });
      return {
        layer: name,
        macs: dsp.macs,
        instructionsDsp: dsp.cost,
        instructionsPlain: plain.cost,
        perMacDsp: Number((dsp.cost / dsp.macs).toFixed(3)),
        perMacPlain: Number((plain.cost / plain.macs).toFixed(3)),
      };
    };
    const perMac = [];
    for (const { name, model } of layers) perMac.push(await perMacM4(name, model));

    // The apps' own weight layers, one at a time.
    const appLayers = [];
    for (const { app, model } of appModels) {
      const shapes = compressedShapes(model);
      for (const [i, layer] of model.layers.entries()) {
        if (!isQuantizedWeightLayer(layer)) continue;
        const name = `${app} layer ${i}: ${layer.op} [${shapes[i]!.join(', ')}] -> [${shapes[i + 1]!.join(', ')}]`;
        appLayers.push(await perMacM4(name, verify.singleLayerModel(layer, shapes[i]!)));
      }
    }

    // The same layers on the cores without the DSP extension (AVR: cycles, where the layer fits its SRAM).
    const otherCores = [];
    for (const boardId of ['qemu-mps2-an385', 'qemu-microbit', 'simavr-atmega328p']) {
      for (const { name, model } of layers) {
        try {
          const c = await verify.measureModelCost(model, getBoard(boardId));
          otherCores.push({
            board: boardId,
            layer: name,
            unit: c.unit,
            cost: c.cost,
            perMac: Number((c.cost / c.macs).toFixed(3)),
          });
        } catch (e) {
          otherCores.push({
            board: boardId,
            layer: name,
            fits: false,
            reason: (e as Error).message.replace(/\s+/g, ' ').slice(0, 200),
          });
        }
      }
    }
    return {
      note:
        "Models are calibrated stand-ins with each app's shapes (features -> 64 -> 32 -> classes, int8); costs are " +
        'instructions (QEMU -icount) on Cortex-M and cycles (simavr) on AVR; per-MAC figures include requantization, ' +
        "patch building, the layer call and the model's output copy. DSP path: weights interleaved by four rows, " +
        '18 instructions per 16 MACs in the inner loop (74 per 64 with four blocks per loop pass: 1.16), ' +
        '21 instructions per output row for requantization.',
      goals: { codeBytesBeyondWeights: 4096, denseInstructionsPerMacM4: 1.5, avrRamBytes: 2048 },
      apps,
      perMac,
      appLayers,
      otherCores,
    };
  },
};
