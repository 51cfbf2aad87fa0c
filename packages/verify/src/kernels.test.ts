import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { buildAndRun } from './harness';
import { kernelTestProgram, randomKernelSuite, type KernelSuiteOptions } from './kernel-test-program';
import { interleaveRows } from '@murmur/codegen';
import { kernelDir, kernelSources } from '@murmur/kernels';

const work = mkdtempSync(join(tmpdir(), 'murmur-kernels-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Generates the batched checks, builds them for the board, runs them on its emulator. */
async function runSuite(boardId: string, options: KernelSuiteOptions, cflags: string[] = []) {
  const dir = mkdtempSync(join(work, `${boardId}-`));
  const files = kernelTestProgram(randomKernelSuite(options));
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  const board = getBoard(boardId);
  return buildAndRun({
    board,
    sources: [...kernelSources, join(dir, 'kernel_test.c')],
    includeDirs: [kernelDir, dir],
    cflags,
    sanitize: board.mcu.core === 'host',
    outDir: join(dir, 'build'),
    timeoutMs: 60_000,
  });
}

function expectAllPass(run: Awaited<ReturnType<typeof runSuite>>): void {
  const failures = run.lines.filter((l) => l.startsWith('fail '));
  expect(failures, run.stderr.slice(-2000)).toEqual([]);
  expect(run.lines.at(-1)).toMatch(/^checked \d+ failures 0$/);
  expect(run.exitCode).toBe(0);
}

// Every kernel and weight format, and whole generated models (arena plan, in-place layers), against the int8
// reference interpreter: one image per core.
describe('C kernels are bit-exact with the int8 reference interpreter', () => {
  it('on the host with -Wall -Wextra -Werror, ASan and UBSan', { timeout: 120_000 }, async () => {
    expectAllPass(
      await runSuite('native', { seed: 'host', layers: 30, stressLayers: 12, models: 6, inputsPerLayer: 3 }),
    );
  });

  const cores: [string, string, string[]][] = [
    ['Cortex-M3 (mps2-an385)', 'qemu-mps2-an385', []],
    ['Cortex-M4 with the DSP path (mps2-an386)', 'qemu-mps2-an386', []],
    ['Cortex-M4 with the plain path (mps2-an386)', 'qemu-mps2-an386', ['-DMURMUR_NN_NO_DSP']],
    ['Cortex-M33 with the DSP path (mps2-an505)', 'qemu-mps2-an505', []],
    ['Cortex-M0 (micro:bit)', 'qemu-microbit', []],
  ];
  for (const [name, board, cflags] of cores) {
    it(`on ${name}`, { timeout: 120_000 }, async () => {
      expectAllPass(
        await runSuite(
          board,
          { seed: `${board}${cflags.join('')}`, layers: 32, stressLayers: 24, models: 8, inputsPerLayer: 3 },
          cflags,
        ),
      );
    });
  }

  it('on the ATmega328P (simavr), weights and test data in flash', { timeout: 120_000 }, async () => {
    expectAllPass(
      await runSuite('simavr-atmega328p', {
        seed: 'avr',
        layers: 16,
        stressLayers: 6,
        models: 3,
        inputsPerLayer: 2,
        maxElements: 160,
        fixedPointCases: 100,
      }),
    );
  });
});

describe('interleaveRows', () => {
  it('permutes the row-major bytes into groups of four rows: blocks, then tail columns, last rows after', () => {
    // 9 rows x 6 columns: two groups of four rows (one block of four columns, a two-column tail), one row left.
    const data = Int8Array.from({ length: 54 }, (_, i) => i);
    const at = (r: number, c: number): number => r * 6 + c;
    const group = (g: number): number[] => [
      ...[0, 1, 2, 3].flatMap((j) => [0, 1, 2, 3].map((c) => at(4 * g + j, c))),
      ...[4, 5].flatMap((c) => [0, 1, 2, 3].map((j) => at(4 * g + j, c))),
    ];
    const expected = [...group(0), ...group(1), ...[0, 1, 2, 3, 4, 5].map((c) => at(8, c))];
    expect(Array.from(interleaveRows(data, 9, 6))).toEqual(expected);
  });

  it('leaves fewer than four rows row-major', () => {
    const data = Int8Array.from({ length: 21 }, (_, i) => i - 10);
    expect(interleaveRows(data, 3, 7)).toEqual(data);
  });
});
