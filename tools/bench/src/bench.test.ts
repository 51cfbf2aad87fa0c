import { describe, expect, it } from 'vitest';
import { runBenchmarks } from './index';
import { opsPerSecond } from './suite';

describe('bench', () => {
  it('counts operations per second', () => {
    let n = 0;
    const rate = opsPerSecond(() => n++, 5);
    expect(rate).toBeGreaterThan(0);
    expect(n).toBeGreaterThan(1000);
  });
  it('refuses unknown suites by name', async () => {
    await expect(runBenchmarks(['nope'])).rejects.toThrow(/unknown benchmark suite 'nope'/);
  });
});
