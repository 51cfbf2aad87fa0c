/** A benchmark suite: returns a JSON-serialisable result that is written to bench/results/<name>.json. */
export interface BenchSuite {
  name: string;
  description: string;
  run(): Promise<unknown>;
}

/**
 * Calls `fn` repeatedly for about `minMs` of wall time (after a warm-up) and returns operations per second.
 * Benchmarks measure; tests never assert on these numbers.
 */
export function opsPerSecond(fn: () => unknown, minMs = 500): number {
  for (let i = 0; i < 1000; i++) fn();
  let ops = 0;
  let batch = 1000;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (elapsedMs < minMs / 10) batch *= 2;
  }
  return (ops * 1000) / elapsedMs;
}
