import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSystemError, systemErrorText } from './fs-errors';
import { capture, restoreAfterEach, run } from './testing';

restoreAfterEach();

const dir = mkdtempSync(join(tmpdir(), 'murmur-cli-errors-'));
const file = join(dir, 'a-file');
writeFileSync(file, 'not a directory\n');

/** The error `f` throws. */
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

/** stderr holds exactly one line, `murmur: ...`, and no stack. */
const oneLine = (err: string): string => {
  expect(err).toMatch(/^murmur: [^\n]+\n$/);
  return err;
};

describe('file-system errors', () => {
  it('read as one line: the path, what failed and why', () => {
    const cases: [unknown, string][] = [
      [thrown(() => mkdirSync(file)), `${file}: cannot create the directory: file already exists (EEXIST)`],
      [
        thrown(() => readFileSync(join(dir, 'none'))),
        `${join(dir, 'none')}: cannot open: no such file or directory (ENOENT)`,
      ],
      [thrown(() => readFileSync(dir)), 'cannot read: illegal operation on a directory (EISDIR)'],
      [
        thrown(() => renameSync(join(dir, 'none'), join(dir, 'other'))),
        `${join(dir, 'none')} → ${join(dir, 'other')}: cannot rename: no such file or directory (ENOENT)`,
      ],
      [spawnSync('murmur-no-such-program').error, 'murmur-no-such-program: cannot run: not found (ENOENT)'],
      [
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
          code: 'ECONNREFUSED',
          syscall: 'connect',
          address: '127.0.0.1',
          port: 9,
        }),
        '127.0.0.1:9: cannot connect: connection refused (ECONNREFUSED)',
      ],
    ];
    for (const [err, text] of cases) {
      expect(isSystemError(err)).toBe(true);
      expect(systemErrorText(err as Parameters<typeof systemErrorText>[0])).toBe(text);
    }
    expect(isSystemError(new Error('plain'))).toBe(false);
  });

  it('reaching the command line: one line naming the path, exit 1', async () => {
    const io = capture();
    // fetch creates the dataset's folders before it downloads anything.
    const under = join(file, 'data');
    const url = 'http://127.0.0.1:9';
    expect(await run('data', 'fetch', 'ppg-triage', '--data-dir', under, '--base-url', url)).toBe(1);
    expect(oneLine(io.err())).toMatch(
      new RegExp(`^murmur: ${under}/\\S+: cannot create the directory: not a directory \\(ENOTDIR\\)\\n$`),
    );
  });
});

describe('--out', () => {
  it('codec --out naming an existing file: exit 1, one line naming it', async () => {
    const io = capture();
    expect(await run('codec', '--app', 'wearable-activity', '--target', 'ttn', '--out', file)).toBe(1);
    expect(oneLine(io.err())).toBe(`murmur: ${file}: --out needs a directory, and this is a file\n`);
  });

  it('codec --out below a file: exit 1 naming the file in the way', async () => {
    const io = capture();
    const out = join(file, 'codec');
    expect(await run('codec', '--app', 'wearable-activity', '--target', 'ttn', '--out', out)).toBe(1);
    expect(oneLine(io.err())).toBe(`murmur: ${file}: is a file, so --out ${out} cannot be created\n`);
  });

  it('the commands that write into --out <dir> check it before any work', async () => {
    const io = capture();
    const model = join(dir, 'tiny.tflite');
    for (const args of [
      ['build', '--app', 'wearable-activity', '--board', 'native'],
      ['train', '--app', 'wearable-activity'],
      ['compress', '--app', 'wearable-activity', '--board', 'native'],
      ['tflite', 'build', model, '--board', 'native'],
    ]) {
      const before = io.err().length;
      expect(await run(...args, '--out', file), args.join(' ')).toBe(1);
      expect(oneLine(io.err().slice(before))).toBe(
        `murmur: ${file}: --out needs a directory, and this is a file\n`,
      );
    }
  });

  it('features --out in a folder that does not exist: exit 1 before computing anything', async () => {
    const io = capture();
    const out = join(dir, 'no-such-folder', 'f.csv');
    expect(await run('features', '--app', 'wearable-activity', '--out', out)).toBe(1);
    expect(oneLine(io.err())).toBe(
      `murmur: ${join(dir, 'no-such-folder')}: folder not found, so --out ${out} cannot be written\n`,
    );
    expect(await run('features', '--app', 'wearable-activity', '--out', dir)).toBe(1);
    expect(io.err()).toContain(`murmur: ${dir}: --out needs a file name, and this is a directory\n`);
  });
});

describe('exit codes: a file that cannot be read is a failure (1), not a usage error (2)', () => {
  it('verify --model', async () => {
    const io = capture();
    const missing = join(dir, 'none.json');
    const verify = ['verify', '--app', 'wearable-activity', '--board', 'native', '--synthetic'];
    expect(await run(...verify, '--model', missing)).toBe(1);
    expect(oneLine(io.err())).toBe(`murmur: ${missing}: model file not found\n`);
    const before = io.err().length;
    expect(await run(...verify, '--model', dir)).toBe(1);
    expect(oneLine(io.err().slice(before))).toBe(
      `murmur: ${dir}: cannot read the model: illegal operation on a directory (EISDIR)\n`,
    );
  });
});
