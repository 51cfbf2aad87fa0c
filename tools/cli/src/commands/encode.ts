import type { Command } from 'commander';
import type { CommandModule } from './index';
import { MurmurError } from '@murmur/core';
import { printJson } from '../output';

export function registerEncode(program: Command): void {
  program
    .command('encode')
    .description("encode a JSON value with an app's payload schema: prints the hex payload and its fPort")
    .argument('<json>', 'the value, e.g. \'{"breathing":"normal",...}\'')
    .option('--app <app>', 'app whose payload schema to use')
    .option('--downlink', 'encode the app downlink instead of the uplink')
    .action(async (json: string, opts: { app?: string; downlink?: boolean }) => {
      const { loadApp } = await import('@murmur/app');
      const schema = (await loadApp(opts.app)).payload;
      const { encode, encodeDownlink, toHex } = await import('@murmur/payload');
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (err) {
        throw new MurmurError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`, {
          field: 'json',
        });
      }
      const message = opts.downlink ? schema.downlink : schema;
      if (!message) throw new MurmurError(`app '${opts.app}' has no downlink`, { field: 'downlink' });
      const bytes = opts.downlink ? encodeDownlink(schema, value as never) : encode(schema, value as never);
      printJson({ hex: toHex(bytes), fPort: message.fPort, bytes: bytes.length });
    });
}

export const command: CommandModule = { order: 61, register: registerEncode };
