import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { workspaceRoot } from '@murmur/core';
import { tinyGraph } from '@murmur/kernels/testing';
import { exportTflite } from '@murmur/tflite';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();
afterEach(() => vi.unstubAllEnvs());

/**
 * A boards folder (MURMUR_BOARDS_DIR) with the native board and one file that does not validate:
 * `broken-board.json`, a copy of native.json with a flash size of 0.
 */
function boardsWithABadFile(): { dir: string; bad: string } {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-cli-boards-'));
  const native = join(workspaceRoot(), 'boards', 'native.json');
  copyFileSync(native, join(dir, 'native.json'));
  const board = JSON.parse(readFileSync(native, 'utf8')) as Record<string, any>;
  board['id'] = 'broken-board';
  board['memory'].flash.size = 0;
  const bad = join(dir, 'broken-board.json');
  writeFileSync(bad, JSON.stringify(board));
  vi.stubEnv('MURMUR_BOARDS_DIR', dir);
  return { dir, bad };
}

const work = mkdtempSync(join(tmpdir(), 'murmur-cli-boards-model-'));
const model = join(work, 'tiny.tflite');
writeFileSync(model, exportTflite(tinyGraph()));

describe('a board file that does not validate', () => {
  it('does not stop a build for another board: one warning names the file and field', async () => {
    const { bad } = boardsWithABadFile();
    const io = capture();
    const code = await run('tflite', 'build', model, '--board', 'native', '--out', join(work, 'native'));
    expect(code, io.err()).toBe(0);
    expect(io.out()).toContain('cases byte-equal on native');
    const warnings = io
      .err()
      .split('\n')
      .filter((l) => l.includes('broken-board'));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^warning: board 'broken-board' skipped: ${bad}, field 'memory\\.flash\\.size': `),
      ),
    ]);
  });

  it('is a failure (exit 1) naming the file and field when it is the board asked for', async () => {
    const { bad } = boardsWithABadFile();
    const io = capture();
    expect(await run('tflite', 'build', model, '--board', 'broken-board', '--out', join(work, 'b'))).toBe(1);
    expect(io.err()).toMatch(new RegExp(`^murmur: ${bad}, field 'memory\\.flash\\.size': .*\\n$`));
    expect(await run('compress', '--app', 'wearable-activity', '--board', 'broken-board')).toBe(1);
    expect(await run('start', '--board', 'broken-board')).toBe(1);
  });

  it('an unknown board stays a usage error (exit 2) in every command that takes --board', async () => {
    boardsWithABadFile();
    const io = capture();
    expect(await run('tflite', 'build', model, '--board', 'nope', '--out', join(work, 'n'))).toBe(2);
    expect(io.err()).toContain("unknown board 'nope'; known boards: native (not valid: broken-board)");
    expect(await run('verify', '--app', 'wearable-activity', '--board', 'nope')).toBe(2);
    expect(await run('start', '--board', 'nope')).toBe(2);
    expect(await run('compress', '--app', 'wearable-activity', '--board', 'nope')).toBe(2);
    expect(await run('eval', '--app', 'wearable-activity', '--board', 'nope')).toBe(2);
  });

  it('murmur boards lists the boards that validate and exits 1 naming the bad file and field', async () => {
    const { bad } = boardsWithABadFile();
    const io = capture();
    expect(await run('boards', '--json')).toBe(1);
    expect((JSON.parse(io.out()) as { id: string }[]).map((b) => b.id)).toEqual(['native']);
    expect(io.err()).toMatch(new RegExp(`^murmur: ${bad}, field 'memory\\.flash\\.size': [^\\n]*\\n$`));
  });
});
