#!/usr/bin/env node
// @ts-check
/**
 * `node tools/nx-plugin/src/stage-board.cjs <board> <dir>`: copies the board file the murmur CLI will read,
 * `$MURMUR_BOARDS_DIR/<board>.json` or else `boards/<board>.json`, to `<dir>/<board>.json`. It is the
 * command of each app's `board` target: Nx keys inputs by target, not by configuration, so `build`, `verify`
 * and `eval` depend on this copy (`dependentTasksOutputFiles`) to depend on their own board's file only.
 * When there is no such board file the copy is removed and nothing fails here: the CLI then reports the
 * unknown board with the boards there are.
 */
const { copyFileSync, existsSync, mkdirSync, rmSync } = require('node:fs');
const { basename, join, resolve } = require('node:path');

/**
 * @param {string} board
 * @param {string} dir
 * @param {{ boardsDir?: string }} [options] the boards folder (default: $MURMUR_BOARDS_DIR, else boards/)
 * @returns {string | undefined} the copy, when the board file exists
 */
function stageBoard(board, dir, options = {}) {
  if (!board || basename(board) !== board) throw new Error(`stage-board: not a board id: '${board}'`);
  const boardsDir = resolve(options.boardsDir ?? (process.env['MURMUR_BOARDS_DIR'] || 'boards'));
  const source = join(boardsDir, `${board}.json`);
  const target = join(dir, `${board}.json`);
  if (!existsSync(source)) {
    rmSync(target, { force: true });
    return undefined;
  }
  mkdirSync(dir, { recursive: true });
  copyFileSync(source, target);
  return target;
}

module.exports = { stageBoard };

if (require.main === module) {
  const [board = '', dir = ''] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: stage-board.cjs <board> <dir>\n');
    process.exit(2);
  }
  stageBoard(board, dir);
}
