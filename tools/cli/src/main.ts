import { Command, CommanderError } from 'commander';
import { MurmurError, murmurVersion } from '@murmur/core';
import { loadCommands } from './commands/index';
import { isSystemError, systemErrorText } from './fs-errors';

export async function buildProgram(): Promise<Command> {
  const program = new Command('murmur')
    .description(
      'Murmur: sensor-to-LPWAN TinyML templates — train, compress, generate C, build firmware, decode uplinks.',
    )
    .version(murmurVersion(), '-V, --version')
    .exitOverride();
  for (const cmd of await loadCommands()) cmd.register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return 0;
      }
      // Commander has already printed its one-line reason.
      return 2;
    }
    if (err instanceof MurmurError) {
      process.stderr.write(`murmur: ${err.message}\n`);
      return err.exitCode;
    }
    // A file or directory that cannot be read, written or created: one line naming it, no stack.
    if (isSystemError(err)) {
      process.stderr.write(`murmur: ${systemErrorText(err)}\n`);
      return 1;
    }
    process.stderr.write(`murmur: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
