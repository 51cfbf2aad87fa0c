import { join } from 'node:path';
import type { Command } from 'commander';
import { MurmurError } from '@murmur/core';
import type { CommandModule } from './index';
import { boardOption } from '../board-option';
import { DATA_DIR_HELP } from '../output';

/** The app `npm start` builds, and the board it builds it for. */
export const START_APP = 'wearable-activity';
export const START_BOARD = 'native';

/**
 * The main job of `npm start`: build the default app for the host, run the generated firmware on recorded
 * windows of subjects the model never saw, and print the uplinks it sent, decoded, with the report's path.
 */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      `the main job of \`npm start\`: build ${START_APP} for ${START_BOARD}, run it on real recordings, decode its uplinks`,
    )
    .option('--app <app>', 'the app', START_APP)
    .option('--board <board>', 'the board', START_BOARD)
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (opts: { app: string; board: string; dataDir?: string }) => {
      const { loadApp } = await import('@murmur/app');
      const { buildApp, formatAccuracy, formatSupport, writeReport } = await import('@murmur/pipeline');
      const { decode } = await import('@murmur/payload');
      const app = await loadApp(opts.app);
      const board = await boardOption(opts.board);
      const result = await buildApp({ app, board, dataDir: opts.dataDir });
      const paths = writeReport(app, board, result);
      const r = result.recorded;
      const chosen = result.compression?.choice.chosen;
      const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
      out();
      out(
        chosen && result.trained
          ? `${app.title}: ${chosen.recipe} model, ${formatAccuracy(result.compression!.heldOut.chosen.accuracy, result.compression!.heldOut.chosen.accuracyCi)} accuracy on ${formatSupport(result.compression!.heldOut.chosen)} never used for training.`
          : `${app.title}: no model (the uplink policy's class rule gives the class).`,
      );
      out(
        `The firmware ran ${r.windows} windows of their recordings (${r.sources.length} recordings, subjects ${[...new Set(r.sources.map((s) => s.subject))].join(', ')});`,
      );
      out(
        `${result.verify.windowsEqual}/${result.verify.windows} windows and ${result.verify.uplinksEqual}/${result.verify.uplinks} uplinks are byte-equal to the TypeScript reference.`,
      );
      out();
      r.uplinks.forEach((hex, i) => {
        const decoded =
          hex === 'none' ? undefined : decode(app.payload, Buffer.from(hex, 'hex'), app.payload.fPort);
        out(
          `uplink ${i + 1} (fPort ${app.payload.fPort}, ${hex === 'none' ? 0 : hex.length / 2} bytes): ${hex}`,
        );
        if (decoded)
          out(
            `  ${JSON.stringify(decoded.data)}${decoded.errors.length ? `  errors: ${decoded.errors.join('; ')}` : ''}`,
          );
      });
      out();
      out(`report: ${paths.html}`);
      const v = result.verify;
      if (v.windowsEqual !== v.windows || v.uplinksEqual !== v.uplinks)
        throw new MurmurError(
          `the firmware differs from the TypeScript reference on ${board.id} (see ${join(result.outDir, 'verify.json')})`,
        );
    });
}

export const command: CommandModule = { order: 10, register: registerStart };
