import type { Command } from 'commander';
import { runBenchmarks, suiteNames } from '@murmur/bench';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(`run benchmarks and write bench/results/<suite>.json (suites: ${suiteNames().join(', ') || 'none yet'})`)
    .argument('[suites...]', 'suites to run (default: all)')
    .action(async (suites: string[]) => {
      await runBenchmarks(suites);
    });
}
