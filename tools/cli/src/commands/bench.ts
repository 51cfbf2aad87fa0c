import type { Command } from 'commander';
import type { CommandModule } from './index';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'run benchmark suites (payload, dsp, compress, codegen, ...) and write bench/results/<suite>.json',
    )
    .argument('[suites...]', 'suites to run (default: all)')
    .action(async (suites: string[]) => {
      const { runBenchmarks } = await import('@murmur/bench');
      await runBenchmarks(suites);
    });
}

export const command: CommandModule = { order: 900, register: registerBench };
