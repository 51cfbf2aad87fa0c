import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cTableOf, COMMAND_SETS } from './command-sets';

/** The folder of the device-side transport (murmur_modem.h and its sources). */
export const modemCDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'c');

/** The command-set tables, one file each, so that a firmware links only the tables it uses. */
export const commandSetSources: readonly string[] = COMMAND_SETS.map((set) =>
  join(modemCDir, 'sets', `${cTableOf(set)}.c`),
);

/** The transport's C sources: the engine and every command-set table (unused tables are not linked). */
export const modemSources: readonly string[] = [join(modemCDir, 'murmur_modem.c'), ...commandSetSources];

/** Include folders for the transport (murmur_modem.h, the set shorthands, the port interface). */
export const modemIncludeDirs: readonly string[] = [
  modemCDir,
  join(modemCDir, 'sets'),
  join(modemCDir, 'ports'),
];
