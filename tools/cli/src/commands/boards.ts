import type { Command } from 'commander';
import type { CommandModule } from './index';
import { scanBoards, type Board } from '@murmur/boards';
import { printJson, printTable } from '../output';

/** Whole MiB where the size is one, otherwise KiB with at most one decimal. */
export const formatSize = (bytes: number): string =>
  bytes >= 1 << 20 && bytes % (1 << 20) === 0
    ? `${bytes / (1 << 20)} MiB`
    : `${Number((bytes / 1024).toFixed(1))} KiB`;

function radioText(b: Board): string {
  if (b.radio.technology === 'none') return '-';
  const via = b.radio.link === 'uart-at' ? `AT/${b.radio.commandSet}` : 'integrated';
  return `${b.radio.technology} ${b.radio.chip} (${via})`;
}

export function boardRows(boards: Board[]): (string | number)[][] {
  return boards.map((b) => [
    b.id,
    b.mcu.part,
    b.mcu.core,
    `${b.mcu.clockHz / 1e6} MHz`,
    formatSize(b.memory.flash.size),
    formatSize(b.memory.ram.size),
    radioText(b),
    b.emulator.kind === 'qemu'
      ? `qemu ${b.emulator.machine}`
      : b.emulator.kind === 'simavr'
        ? `simavr ${b.emulator.mcu}`
        : 'host',
  ]);
}

export function printBoards(boards: Board[]): void {
  printTable(['board', 'mcu', 'core', 'clock', 'flash', 'ram', 'radio', 'emulator'], boardRows(boards));
}

export function registerBoards(program: Command): void {
  program
    .command('boards')
    .description(
      'list the boards in boards/ (or $MURMUR_BOARDS_DIR), validated against the board schema; exit 1 when a file does not validate',
    )
    .option('--json', 'print the validated board objects as JSON')
    .action((opts: { json?: boolean }) => {
      const { boards, problems } = scanBoards();
      if (opts.json) printJson(boards);
      else printBoards(boards);
      // The boards that validate are listed; each file that does not is named with its field.
      for (const p of problems) process.stderr.write(`murmur: ${p.error.message}\n`);
      if (problems.length) process.exitCode = 1;
    });
}

export const command: CommandModule = { order: 20, register: registerBoards };
