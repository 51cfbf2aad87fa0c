/** Helpers for the CLI's tests: run `murmur` in-process and capture what it prints. */
import { afterEach, vi } from 'vitest';
import { main } from './main';

/** Captures stdout and stderr until the test ends. */
export function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err };
}

/** Runs `murmur <args>` and returns its exit code. */
export const run = (...args: string[]): Promise<number> => main(['node', 'murmur', ...args]);

/** Restores stdout, stderr and the exit code after every test of the calling file. */
export function restoreAfterEach(): void {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
}
