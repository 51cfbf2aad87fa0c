import type { Board } from '@murmur/boards';

/** The board a `--board <id>` names; an unknown id is a usage error (exit 2) that lists the boards there are. */
export async function boardOption(id: string): Promise<Board> {
  const { UsageError } = await import('@murmur/core');
  const { getBoard } = await import('@murmur/boards');
  try {
    return getBoard(id);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
