import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { UsageError } from '@murmur/core';
import { requireOutputDir, writeOutputFile } from '../fs-errors';

const TARGETS = ['ttn', 'chirpstack', 'ttn-repo', 'c'] as const;
type Target = (typeof TARGETS)[number];

export function registerCodec(program: Command): void {
  program
    .command('codec')
    .description(
      "write an app's payload codec: TS013 JS for TTN or ChirpStack, TTN device-repository files, or the C encoder",
    )
    .option('--app <app>', 'app whose payload schema to use')
    .option('--target <target>', `one of ${TARGETS.join(', ')}`)
    .option('--out <dir>', 'output folder (created if needed)')
    .action(async (opts: { app?: string; target?: string; out?: string }) => {
      const target = opts.target as Target | undefined;
      if (target === undefined || !TARGETS.includes(target)) {
        throw new UsageError(
          `--target must be one of ${TARGETS.join(', ')}${opts.target ? `, got '${opts.target}'` : ''}`,
        );
      }
      if (opts.out === undefined) throw new UsageError('missing --out <dir>');
      requireOutputDir(opts.out, '--out');
      const { loadApp } = await import('@murmur/app');
      const app = await loadApp(opts.app);
      const payload = await import('@murmur/payload');
      const name = payload.ttnCodecName(app.payload);
      let files: Record<string, string>;
      if (target === 'ttn-repo')
        files = payload.generateTtnRepoFiles(app.payload, app.payloadExamples ?? [], app.downlinkExamples);
      else if (target === 'c') {
        const c = payload.generateC(app.payload);
        const { readFileSync } = await import('node:fs');
        files = {
          [`${c.baseName}.h`]: c.header,
          [`${c.baseName}.c`]: c.source,
          ...Object.fromEntries(
            payload.payloadRuntimeFiles.map((f) => [
              f,
              readFileSync(join(payload.payloadRuntimeDir, f), 'utf8'),
            ]),
          ),
        };
      } else files = { [`${name}.js`]: payload.generateCodecJs(app.payload) };
      const dir = resolve(opts.out);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeOutputFile(join(dir, file), text);
      process.stdout.write(`wrote ${Object.keys(files).join(', ')} to ${dir}\n`);
    });
}

export const command: CommandModule = { order: 62, register: registerCodec };
