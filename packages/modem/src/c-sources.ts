import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the device-side transport (murmur_modem.h and its sources). */
export const modemCDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'c');

/** The transport's C sources: the engine and the command-set tables. */
export const modemSources: readonly string[] = [
  join(modemCDir, 'murmur_modem.c'),
  join(modemCDir, 'murmur_modem_sets.c'),
];
