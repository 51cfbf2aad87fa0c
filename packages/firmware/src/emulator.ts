import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { qemuMachine, type Board } from '@murmur/boards';
import { MurmurError } from '@murmur/core';
import { archOf, costUnitOf, icountShift, qemuMachineOptions, type CostUnit } from './targets';
import { runTool } from './toolchain';

/** The emulated board's UART (murmur_uart_*) as the host sees it, e.g. for a modem simulator. */
export interface SerialLink {
  /** Sends bytes to the firmware's UART receiver. */
  write(data: Uint8Array | string): void;
  /** Calls `listener` with each chunk the firmware transmits. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Everything the firmware has transmitted so far. */
  received(): Buffer;
}

export interface RunOptions {
  board: Board;
  /** The image from buildFirmware (target `emulator`). */
  elf: string;
  /** Kill the emulator after this long (default 20 s). */
  timeoutMs?: number;
  /**
   * Connects the board's UART0 to the host (MPS2 machines: QEMU `-serial tcp:` to a socket on
   * 127.0.0.1); called once when QEMU has connected, before the firmware can have sent anything.
   */
  serial?: (link: SerialLink) => void;
}

export interface RunResult {
  /** What the program printed, line by line, without the harness's `@murmur` lines. */
  lines: string[];
  /** main's return value (or murmur_system_exit's argument). */
  exitCode: number;
  /** What `murmur_cost_end` counts on this board. */
  costUnit: CostUnit;
  /** Measurements reported with murmur_cost_report(label, value), in order. */
  costs: { label: string; value: number }[];
  /** Cortex-M: bytes of stack touched, from the painted stack reserve (measured after main returns). */
  stackHighWater?: number;
  /** The emulator's or program's diagnostics (simavr banner, sanitizer reports). */
  stderr: string;
  /** The command that ran. */
  command: string[];
}

const ansi = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');

/** simavr prints each UART line on stderr in colour, with the newline shown as a trailing '.'. */
export function parseSimavrUart(stderr: string): string[] {
  const lines: string[] = [];
  for (const raw of stderr.replace(ansi, '').split('\n')) {
    if (raw.endsWith('.') && !/^(Loaded|avr_|simavr|SIM|GDB)/.test(raw)) lines.push(raw.slice(0, -1));
  }
  return lines;
}

interface HarnessLines {
  lines: string[];
  costs: { label: string; value: number }[];
  exitCode?: number;
  stackHighWater?: number;
  fault?: string;
}

/** Splits program output into the program's own lines and the harness's `@murmur ...` lines. */
export function splitHarnessLines(raw: readonly string[]): HarnessLines {
  const out: HarnessLines = { lines: [], costs: [] };
  for (const line of raw) {
    const m = /^@murmur (\S+) ?(.*)$/.exec(line);
    if (!m) {
      out.lines.push(line);
      continue;
    }
    const [, kind, rest] = m as unknown as [string, string, string];
    if (kind === 'exit') out.exitCode = Number(rest);
    else if (kind === 'stack') out.stackHighWater = Number(rest);
    else if (kind === 'fault') out.fault = rest;
    else if (kind === 'cost') {
      const cost = /^(\S+) (\d+)$/.exec(rest);
      if (!cost) throw new MurmurError(`malformed harness line '${line}'`);
      out.costs.push({ label: cost[1]!, value: Number(cost[2]) });
    } else out.lines.push(line);
  }
  return out;
}

/** A TCP server on 127.0.0.1 that QEMU's serial port connects to; hands the connection to `serial`. */
async function serialServer(serial: (link: SerialLink) => void): Promise<{ port: number; server: Server }> {
  const server = createServer({ noDelay: true }, (socket: Socket) => {
    const chunks: Buffer[] = [];
    const listeners: ((chunk: Buffer) => void)[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      for (const listener of listeners) listener(chunk);
    });
    socket.on('error', () => socket.destroy());
    serial({
      write: (data) => {
        if (!socket.destroyed) socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
      },
      onData: (listener) => listeners.push(listener),
      received: () => Buffer.concat(chunks),
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { port: (server.address() as AddressInfo).port, server };
}

function commandFor(board: Board, elf: string, serialPort?: number): string[] {
  const arch = archOf(board);
  if (arch === 'host') return [elf];
  if (board.emulator.kind === 'simavr') {
    return ['simavr', '-m', board.emulator.mcu, '-f', String(board.emulator.frequencyHz), elf];
  }
  return [
    'qemu-system-arm',
    ...qemuMachineOptions(board),
    '-nographic',
    '-monitor',
    'none',
    '-serial',
    serialPort === undefined ? 'null' : `tcp:127.0.0.1:${serialPort},nodelay=on`,
    '-chardev',
    'stdio,id=semihosting',
    '-semihosting-config',
    'enable=on,target=native,chardev=semihosting',
    '-icount',
    `shift=${icountShift},align=off,sleep=off`,
    '-kernel',
    elf,
  ];
}

/**
 * Runs a harness image on the board's emulator (QEMU with semihosting and -icount, simavr, or
 * natively) and returns its output lines, exit status and cost measurements. A hang, an emulator
 * failure or a CPU fault is a MurmurError; a non-zero exit status is returned, not thrown.
 */
export async function runOnEmulator(options: RunOptions): Promise<RunResult> {
  const { board, elf } = options;
  const timeoutMs = options.timeoutMs ?? 20_000;
  let serial: { port: number; server: Server } | undefined;
  if (options.serial) {
    const machine = board.emulator.kind === 'qemu' ? qemuMachine(board.emulator.machine) : undefined;
    if (machine?.uart0 === undefined) {
      throw new MurmurError(
        `board '${board.id}': a serial connection needs an MPS2 QEMU machine (CMSDK UART0)`,
      );
    }
    serial = await serialServer(options.serial);
  }
  const command = commandFor(board, elf, serial?.port);
  const result = await runTool(command[0]!, command.slice(1), { timeoutMs }).finally(() => {
    serial?.server.close();
  });
  const where = `${elf} on ${board.emulator.kind === 'qemu' ? `qemu ${board.emulator.machine}` : board.emulator.kind}`;
  const isSimavr = board.emulator.kind === 'simavr';
  const raw = isSimavr ? parseSimavrUart(result.stderr) : result.stdout.split('\n');
  if (!isSimavr && raw.at(-1) === '') raw.pop();
  const parsed = splitHarnessLines(raw);
  if (result.timedOut) {
    throw new MurmurError(
      `${where}: no exit within ${timeoutMs} ms; last output: ${parsed.lines.slice(-3).join(' | ')}`,
    );
  }
  if (parsed.fault !== undefined) throw new MurmurError(`${where}: CPU fault (${parsed.fault})`);
  if (board.emulator.kind === 'qemu' && /^qemu-system-arm: /m.test(result.stderr)) {
    throw new MurmurError(`${where}: QEMU failed: ${result.stderr.trim()}`);
  }
  let exitCode = result.code ?? -1;
  if (isSimavr) {
    if (parsed.exitCode === undefined) {
      throw new MurmurError(
        `${where}: the program stopped without reporting an exit status: ${result.stderr.trim().slice(-400)}`,
      );
    }
    exitCode = parsed.exitCode;
  }
  return {
    lines: parsed.lines,
    exitCode,
    costUnit: costUnitOf(board),
    costs: parsed.costs,
    stackHighWater: parsed.stackHighWater,
    stderr: result.stderr,
    command,
  };
}
