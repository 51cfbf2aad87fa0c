import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();

describe('murmur eval usage', () => {
  const empty = mkdtempSync(join(tmpdir(), 'murmur-eval-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('exit 2 with the reason on usage mistakes', async () => {
    const io = capture();
    expect(await run('eval')).toBe(2);
    expect(io.err()).toContain('missing --app');
    expect(await run('eval', '--app', 'wearable-activity', '--firmware-windows', 'many')).toBe(2);
    expect(io.err()).toContain("--firmware-windows must be a non-negative integer, got 'many'");
    expect(await run('eval', '--app', 'wearable-activity', '--board', 'no-such-board')).toBe(2);
    expect(await run('eval', '--app', 'wearable-activity', '--cv', '--scheme', 'nope')).toBe(2);
    expect(io.err()).toMatch(/unknown scheme 'nope' \(wearable-activity has: /);
  });

  it('names the missing build and the command that makes it', async () => {
    const io = capture();
    expect(
      await run('eval', '--app', 'wearable-activity', '--board', 'qemu-mps2-an386', '--build-dir', empty),
    ).toBe(2);
    expect(io.err()).toContain(
      `wearable-activity is not built for qemu-mps2-an386 (no ${join(empty, 'model.compressed.json')})`,
    );
    expect(io.err()).toContain('npx nx build wearable-activity --configuration=qemu-mps2-an386');
  });
});
