import type { Board } from '@murmur/boards';

/**
 * The board a `--board <id>` names. An unknown id is a usage error (exit 2) that lists the boards there are;
 * the board's own file failing validation is a failure (exit 1) naming the file and field. Other board
 * files that fail validation are warned about and do not stand in the way.
 */
export async function boardOption(id: string): Promise<Board> {
  const { getBoard } = await import('@murmur/boards');
  return getBoard(id);
}
