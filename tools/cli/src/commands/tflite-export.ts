import type { Command } from 'commander';

/** `murmur tflite export`: one of Murmur's compressed models as a .tflite file. */
export function registerTfliteExport(tflite: Command): void {
  tflite
    .command('export')
    .description(
      "write a compressed model (e.g. dist/apps/<app>/<board>/model.compressed.json) as a .tflite: int8 weights per channel, its recipe's values kept (clustered, pruned, int4 and binary weights are stored as int8), ending in TFLite's SOFTMAX",
    )
    .argument('<model>', 'the compressed model JSON')
    .requiredOption('--out <file>', 'the .tflite to write')
    .action(async (file: string, opts: { out: string }) => {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { MurmurError } = await import('@murmur/core');
      const { compressedFromJson } = await import('@murmur/kernels');
      const { compressedToGraph, exportTflite } = await import('@murmur/tflite');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new MurmurError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
          file,
        });
      }
      const model = compressedFromJson(text, file);
      const name = (file.split('/').pop() ?? 'model').replace(/\.json$/, '').replace(/[^a-zA-Z0-9_]+/g, '_');
      const bytes = exportTflite(compressedToGraph(model, name));
      try {
        writeFileSync(opts.out, bytes);
      } catch (e) {
        throw new MurmurError(`cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
          file: opts.out,
        });
      }
      process.stdout.write(`wrote ${opts.out} (${bytes.length} bytes, recipe ${model.recipe})\n`);
    });
}
