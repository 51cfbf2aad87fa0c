import { describe, expect, it } from 'vitest';
import { capture, restoreAfterEach, run } from './testing';
import { formatSize } from './commands/boards';

restoreAfterEach();

describe('murmur CLI', () => {
  it('prints the version', async () => {
    const io = capture();
    expect(await run('--version')).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('shows help for every command', async () => {
    const io = capture();
    expect(await run('--help')).toBe(0);
    expect(io.out()).toContain('boards');
    for (const cmd of ['boards', 'data', 'start', 'bench']) {
      expect(await run(cmd, '--help')).toBe(0);
    }
  });

  it('exits 2 with a one-line reason on usage errors', async () => {
    const io = capture();
    expect(await run('no-such-command')).toBe(2);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(await run('boards', '--no-such-option')).toBe(2);
  });

  it('lists boards as a table and as JSON', async () => {
    const io = capture();
    expect(await run('boards')).toBe(0);
    expect(io.out()).toMatch(/native\s+host CPU/);
    const before = io.out().length;
    expect(await run('boards', '--json')).toBe(0);
    const boards = JSON.parse(io.out().slice(before)) as { id: string }[];
    expect(boards.map((b) => b.id)).toContain('qemu-mps2-an386');
  });

  it('exits 2 for an unknown benchmark suite', async () => {
    const io = capture();
    expect(await run('bench', 'no-such-suite')).toBe(2);
    expect(io.err()).toContain("unknown benchmark suite 'no-such-suite'");
  });

  it('formats memory sizes without long fractions', () => {
    expect(formatSize(4 << 20)).toBe('4 MiB');
    expect(formatSize((2 << 20) - 256)).toBe('2047.8 KiB');
    expect(formatSize(32256)).toBe('31.5 KiB');
  });
});
