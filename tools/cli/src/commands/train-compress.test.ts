import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, restoreAfterEach, run } from '../testing';
import { testData } from '@murmur/datasets/testing';

restoreAfterEach();

describe('murmur train / compress usage', () => {
  it('exit 2 with the reason on usage mistakes', async () => {
    const io = capture();
    expect(await run('train')).toBe(2);
    expect(io.err()).toContain('missing --app (apps: ');
    expect(await run('train', '--app', 'nope')).toBe(2);
    expect(io.err()).toContain("unknown app 'nope'");
    expect(await run('train', '--app', 'wearable-activity', '--epochs', 'x')).toBe(2);
    expect(await run('compress', '--app', 'wearable-activity')).toBe(2);
    expect(io.err()).toContain('missing --board');
    expect(await run('compress', '--app', 'wearable-activity', '--board', 'no-such-board')).toBe(2);
    expect(await run('compress', '--app', 'wearable-activity', '--board', 'native', '--recipes', 'zip')).toBe(
      2,
    );
    expect(io.err()).toContain("unknown recipe 'zip'");
  });
});

const data = testData('wearable-activity');

describe.skipIf(data.skip)(data.title('murmur train / compress on real data'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A real-data subset keeps the test fast: the first 10 subjects of the wearable-activity index.
  const subset = join(dir, 'data');
  beforeAll(() => {
    const src = join(data.dataDir, 'wearable-activity');
    mkdirSync(join(subset, 'wearable-activity'), { recursive: true });
    const index = readFileSync(join(src, 'subjects.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(subset, 'wearable-activity', 'subjects.csv'), `${index.slice(0, 11).join('\n')}\n`);
    symlinkSync(join(src, 'subjects'), join(subset, 'wearable-activity', 'subjects'));
  });

  it('trains, then chooses a recipe for a board, and says by how much nothing fits', async () => {
    const io = capture();
    const model = join(dir, 'model');
    expect(
      await run(
        'train',
        '--app',
        'wearable-activity',
        '--epochs',
        '10',
        '--data-dir',
        subset,
        '--out',
        model,
        '--json',
      ),
    ).toBe(0);
    const trained = JSON.parse(io.out()) as {
      accuracy: number;
      validationSubjects: string[];
      backend: string;
    };
    expect(trained.accuracy).toBeGreaterThan(0.5);
    expect(trained.validationSubjects.length).toBeGreaterThan(0);
    expect(existsSync(join(model, 'weights.bin'))).toBe(true);

    const before = io.out().length;
    const out = join(dir, 'an386');
    expect(
      await run(
        'compress',
        '--app',
        'wearable-activity',
        '--board',
        'qemu-mps2-an386',
        '--data-dir',
        subset,
        '--model',
        model,
        '--recipes',
        'int8,structured50',
        '--out',
        out,
        '--json',
      ),
    ).toBe(0);
    const report = JSON.parse(io.out().slice(before)) as {
      chosen: string;
      reason: string;
      recipes: { recipe: string; weightBytes: number; cv?: { dropPp: number; dropCi: number[] } }[];
      selection: { scheme: string; folds: number; subjects: number; note?: string };
    };
    expect(report.recipes.map((r) => r.recipe)).toEqual(['int8', 'structured50']);
    expect(['int8', 'structured50']).toContain(report.chosen);
    // Chosen by cross-validation on the training subjects, from the smallest recipe up, and said why.
    expect(report.reason).toMatch(new RegExp(`^${report.chosen}: `));
    expect(report.recipes.find((r) => r.recipe === 'structured50')!.cv).toBeDefined();
    expect(report.recipes.find((r) => r.recipe === report.chosen)!.cv!.dropCi).toHaveLength(2);
    expect(report.selection).toMatchObject({ scheme: 'subjects', folds: 3 });
    expect(report.selection.note).toMatch(/^3 folds instead of 5: only \d+ training subjects$/);
    expect(JSON.parse(readFileSync(join(out, 'model.compressed.json'), 'utf8')).format).toBe(
      'murmur-compressed-ir',
    );

    expect(
      await run(
        'compress',
        '--app',
        'wearable-activity',
        '--board',
        'simavr-atmega328p',
        '--data-dir',
        subset,
        '--model',
        model,
        '--recipes',
        'int8',
        '--reserve-flash',
        '29000',
      ),
    ).toBe(1);
    expect(io.err()).toMatch(
      /no recipe fits board 'simavr-atmega328p': the smallest, 'int8', is over by \d+ B of flash/,
    );
  }, 120_000);
});
