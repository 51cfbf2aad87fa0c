import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSuite } from '../suite';

/** TFLite Micro's figures per model, from the MLPerf Tiny folder's README (the one place they are kept). */
interface TflmFigures {
  instructionsReference: number;
  instructionsCmsisNn: number;
  runtimeFlashBytes: number;
  minimumArenaBytes: number;
  stackBytes: number;
}

function tflmFigures(readme: string): Record<string, TflmFigures> {
  const figures: Record<string, TflmFigures> = {};
  const num = (s: string): number => Number(s.replace(/[,\s]/g, ''));
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | model | MACs | reference | CMSIS-NN | instr/MAC | runtime flash | flash without model | arena | stack |
    if (cells.length === 11 && /^[a-z0-9_]+$/i.test(cells[1]!) && /^[\d,]+$/.test(cells[3]!)) {
      figures[cells[1]!] = {
        instructionsReference: num(cells[3]!),
        instructionsCmsisNn: num(cells[4]!),
        runtimeFlashBytes: num(cells[6]!),
        minimumArenaBytes: num(cells[8]!),
        stackBytes: num(cells[9]!),
      };
    }
  }
  return figures;
}

/**
 * Emulated cores: Cortex-M4 (an386), M33 (an505), M0 (micro:bit, 16 KB of RAM: where the model fits), M0+ (the
 * RP2040 board: the micro:bit machine sized to its 264 KB of RAM), and the host.
 */
const boards = ['qemu-mps2-an386', 'qemu-mps2-an505', 'qemu-microbit', 'rpi-pico-sx1262', 'native'];

/**
 * The MLPerf Tiny models through `.tflite` import and the generated C: per model and core, the golden cases
 * byte-equal, instructions per inference, flash of the code beyond the weights, arena and stack, and their
 * ratios to TFLite Micro + CMSIS-NN as measured on the same Cortex-M4 emulator.
 */
export const suite: BenchSuite = {
  name: 'tflite',
  description: 'MLPerf Tiny models as generated C per core vs TFLite Micro + CMSIS-NN',
  async run() {
    const { getBoard } = await import('@murmur/boards');
    const { MurmurError } = await import('@murmur/core');
    const { prepareGraph, summarizeGraph } = await import('@murmur/kernels');
    const { readGoldenCases, readTflite } = await import('@murmur/tflite');
    const { MLPERF_TINY_MODELS, mlperfTinyDir } = await import('@murmur/tflite/testing');
    const { verifyGraph } = await import('@murmur/verify');
    const dir = mlperfTinyDir();
    if (!dir)
      throw new MurmurError(
        'MLPerf Tiny models not found: set MURMUR_MODELS_DIR (the folder holding mlperf-tiny/)',
      );
    const tflm = tflmFigures(readFileSync(join(dir, 'README.md'), 'utf8'));
    const rows = [];
    for (const name of MLPERF_TINY_MODELS) {
      const prepared = prepareGraph(readTflite(join(dir, `${name}.tflite`)));
      const summary = summarizeGraph(prepared.graph);
      const cases = readGoldenCases(join(dir, 'golden', `${name}.json`), prepared.graph);
      const reference = tflm[name];
      for (const id of boards) {
        const board = getBoard(id);
        process.stderr.write(`tflite ${name} on ${id}\n`);
        let r;
        try {
          r = await verifyGraph(prepared, cases, board, { sanitize: id === 'native' });
        } catch (e) {
          // A model too large for the board's flash or RAM is a result, not a failure.
          if (!(e instanceof MurmurError) || !/does not fit/.test(e.message)) throw e;
          rows.push({
            model: name,
            board: id,
            skipped: e.message.replace(/^.*?: the firmware/, 'the firmware'),
          });
          continue;
        }
        const m4 = id === 'qemu-mps2-an386' && reference;
        rows.push({
          model: name,
          board: id,
          macs: summary.macs,
          cases: r.cases,
          casesEqual: r.casesEqual,
          perInference: r.perInference,
          unit: r.unit,
          instructionsPerMac: r.perInference ? Number((r.perInference / summary.macs).toFixed(3)) : null,
          codeBytes: r.codeBytes ?? null,
          constantBytes: r.constantBytes,
          arenaBytes: r.arenaBytes,
          stackBytes: r.stackBytes,
          ...(m4
            ? {
                tflm: reference,
                ratio: {
                  instructionsToCmsisNn: Number((r.perInference! / reference.instructionsCmsisNn).toFixed(3)),
                  instructionsToReference: Number(
                    (r.perInference! / reference.instructionsReference).toFixed(3),
                  ),
                  codeToRuntimeFlash: Number(((r.codeBytes ?? 0) / reference.runtimeFlashBytes).toFixed(3)),
                  arenaToMinimumArena: Number((r.arenaBytes / reference.minimumArenaBytes).toFixed(3)),
                  stack: Number(((r.stackBytes ?? 0) / reference.stackBytes).toFixed(3)),
                },
              }
            : {}),
        });
      }
    }
    return { models: MLPERF_TINY_MODELS, boards, rows };
  },
};
