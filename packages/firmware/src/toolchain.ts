import { spawn } from 'node:child_process';
import { MurmurError } from '@murmur/core';

/** The Debian package that provides each external program the firmware build runs. */
const debianPackages: Record<string, string> = {
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi',
  'arm-none-eabi-objcopy': 'binutils-arm-none-eabi',
  'arm-none-eabi-objdump': 'binutils-arm-none-eabi',
  'arm-none-eabi-size': 'binutils-arm-none-eabi',
  'avr-gcc': 'gcc-avr (and avr-libc)',
  'avr-objcopy': 'binutils-avr',
  'avr-objdump': 'binutils-avr',
  'avr-size': 'binutils-avr',
  gcc: 'gcc',
  objcopy: 'binutils',
  objdump: 'binutils',
  size: 'binutils',
  'qemu-system-arm': 'qemu-system-arm',
  simavr: 'simavr',
};

/** The Debian package to install for `program` (for error messages). */
export function debianPackageFor(program: string): string {
  return debianPackages[program] ?? program;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the process was killed (see `timedOut`). */
  code: number | null;
  timedOut: boolean;
}

export interface RunToolOptions {
  cwd?: string;
  /** Kill the process after this many milliseconds (default: no limit). */
  timeoutMs?: number;
}

/**
 * Runs an external program and collects its output. A missing program is a MurmurError naming
 * the Debian package that provides it; a non-zero exit status is returned, not thrown.
 */
export function runTool(
  program: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(
          new MurmurError(
            `${program} is not installed; install the Debian package ${debianPackageFor(program)}`,
            {},
            { cause: error },
          ),
        );
      } else reject(error);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        timedOut,
      });
    });
  });
}
