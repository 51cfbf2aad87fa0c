// @ts-check
/**
 * Murmur's Nx plugin. Every `apps/<app>/app.config.ts` makes `<app>` a project with the targets
 *   train   — train the float model on the app's training subjects          (murmur train)
 *   build   — compress, generate C, build firmware and the report per board (murmur build)
 *   verify  — run the firmware in the emulator of the board's core           (murmur verify)
 *   eval    — accuracy on a dataset directory, float / compressed / firmware (murmur eval)
 * `build`, `verify` and `eval` get one configuration per board file in boards/, so adding
 * boards/foo.json gives every app `--configuration=foo`; the default configuration is `native`.
 */
const { readdirSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');

const DEFAULT_BOARD = 'native';

/** Board ids: the JSON files in boards/ (`_`-prefixed and schema files excluded). */
/** @param {string} workspaceRoot */
function boardIds(workspaceRoot) {
  return readdirSync(join(workspaceRoot, 'boards'))
    .filter((f) => f.endsWith('.json') && !f.startsWith('_') && !f.endsWith('.schema.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Inputs shared by every target: the app, the packages it depends on, the boards and the data (nx.json's `data`). */
const commonInputs = ['production', '^production', '{workspaceRoot}/boards/**/*', 'data'];

/**
 * A run-commands target calling `murmur <verb> --app <app>` with one configuration per board.
 * @param {string} verb
 * @param {string} app
 * @param {string[]} boards
 * @param {{ perBoard: boolean, outputs: string[], dependsOn?: string[], cache?: boolean }} opts
 */
function murmurTarget(verb, app, boards, opts) {
  /** @type {Record<string, unknown>} */
  const target = {
    executor: 'nx:run-commands',
    cache: opts.cache ?? true,
    inputs: commonInputs,
    outputs: opts.outputs,
    options: { command: `murmur ${verb} --app ${app}`, cwd: '{workspaceRoot}' },
    metadata: { description: `murmur ${verb} for ${app}`, technologies: ['murmur'] },
  };
  if (opts.dependsOn) target.dependsOn = opts.dependsOn;
  if (opts.perBoard) {
    target.options = { ...(/** @type {object} */ (target.options)), board: DEFAULT_BOARD };
    target.defaultConfiguration = DEFAULT_BOARD;
    target.configurations = Object.fromEntries(boards.map((b) => [b, { board: b }]));
  }
  return target;
}

/**
 * The targets of one app.
 * @param {string} app app id (the folder name under apps/)
 * @param {string[]} boards
 */
function appTargets(app, boards) {
  const dist = `{workspaceRoot}/dist/apps/${app}`;
  return {
    train: murmurTarget('train', app, boards, { perBoard: false, outputs: [`${dist}/model`] }),
    build: murmurTarget('build', app, boards, {
      perBoard: true,
      outputs: [`${dist}/{options.board}`],
      dependsOn: ['train'],
    }),
    verify: murmurTarget('verify', app, boards, {
      perBoard: true,
      outputs: [`${dist}/{options.board}/verify.json`],
      dependsOn: ['build'],
    }),
    eval: murmurTarget('eval', app, boards, {
      perBoard: true,
      outputs: [`${dist}/{options.board}/eval.json`],
      dependsOn: ['build'],
    }),
  };
}

/** @type {import('@nx/devkit').CreateNodes} */
const createNodes = [
  'apps/*/app.config.ts',
  (configFiles, _options, context) => {
    const boards = boardIds(context.workspaceRoot);
    return configFiles.map((file) => {
      const root = dirname(file);
      const app = basename(root);
      return /** @type {const} */ ([file, { projects: { [root]: { name: app, targets: appTargets(app, boards) } } }]);
    });
  },
];

module.exports = { name: '@murmur/nx-plugin', createNodes, appTargets, boardIds, DEFAULT_BOARD };
