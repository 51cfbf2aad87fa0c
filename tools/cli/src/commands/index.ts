import type { Command } from 'commander';
import { registerBoards } from './boards';
import { registerData } from './data';
import { registerStart } from './start';
import { registerBench } from './bench';

/** Every subcommand of `murmur`, in the order `--help` lists them. */
export const commands: ((program: Command) => void)[] = [registerStart, registerBoards, registerData, registerBench];
