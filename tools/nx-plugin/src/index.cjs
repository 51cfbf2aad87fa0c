// @ts-check
/**
 * Murmur's Nx plugin. Every `apps/<app>/app.config.ts` makes `<app>` a project with the targets
 *   train   — train the float model on the app's training subjects          (murmur train)
 *   build   — compress, generate C, build firmware and the report per board (murmur build)
 *   verify  — run the firmware in the emulator of the board's core           (murmur verify)
 *   eval    — accuracy on a dataset directory, float / compressed / firmware (murmur eval)
 *   board   — copy the board file of the configuration to dist/boards/<app>/ (see below)
 * `build`, `verify`, `eval` and `board` get one configuration per board file in boards/, so adding
 * boards/foo.json gives every app `--configuration=foo`; the default configuration is `native`.
 *
 * What the cache of each target is keyed on (its inputs):
 *   every target  the app (`production`), the packages it imports (`^production`), the murmur CLI that the
 *                 command runs (`production` of @murmur/cli; the packages the CLI loads for these commands
 *                 are the app's own dependencies) and a fingerprint of the app's dataset where it is read
 *                 from (data-fingerprint.cjs, a `runtime` input)
 *   build, verify, eval  also the board-support C, the versions of the toolchains and emulators (`runtime`
 *                 inputs that print "not installed" rather than fail) and the board file of the
 *                 configuration. Nx takes inputs per target, not per configuration, so the board file
 *                 comes in through the `board` task: `build:<board>` depends on `board:<board>`, which
 *                 copies that one file (from $MURMUR_BOARDS_DIR when set) to dist/boards/<app>/<board>.json,
 *                 and hashes that copy (`dependentTasksOutputFiles`). Editing boards/b.json re-runs only
 *                 the b configurations; `train` reads no board file.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { basename, dirname, isAbsolute, join, relative, sep } = require('node:path');

const DEFAULT_BOARD = 'native';

/** The Nx project of the murmur command line, which every target runs. */
const CLI_PROJECT = '@murmur/cli';

/** Board ids: the JSON files in boards/ (`_`-prefixed and schema files excluded). */
/** @param {string} workspaceRoot */
function boardIds(workspaceRoot) {
  return readdirSync(join(workspaceRoot, 'boards'))
    .filter((f) => f.endsWith('.json') && !f.startsWith('_') && !f.endsWith('.schema.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** @param {string} dir */
const listDir = (dir) => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
};

/** Dataset names the workspace knows: its catalog entries and shipped samples. @param {string} workspaceRoot */
function datasetNames(workspaceRoot) {
  const catalog = listDir(join(workspaceRoot, 'datasets', 'catalog'))
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => basename(e.name, '.json'));
  const samples = listDir(join(workspaceRoot, 'datasets', 'samples'))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  return [...new Set([...catalog, ...samples])].sort();
}

/**
 * The datasets an app reads: the known dataset names that its sources (not its tests) quote, as in
 * `dataset: 'wearable-activity'`. Empty when none is found (the data input then covers every dataset).
 * @param {string} workspaceRoot
 * @param {string} appRoot the app's folder relative to the workspace
 * @param {string[]} known
 */
function appDatasets(workspaceRoot, appRoot, known) {
  if (!known.length) return [];
  const found = new Set();
  /** @param {string} dir */
  const scan = (dir) => {
    for (const e of listDir(dir)) {
      if (e.isDirectory()) {
        if (!['node_modules', 'dist', '.murmur'].includes(e.name)) scan(join(dir, e.name));
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const text = readFileSync(join(dir, e.name), 'utf8');
        for (const name of known)
          if (text.includes(`'${name}'`) || text.includes(`"${name}"`)) found.add(name);
      }
    }
  };
  scan(join(workspaceRoot, appRoot));
  return [...found].sort();
}

/**
 * How a `runtime` input runs a script of this plugin: by its path from the workspace root (Nx runs
 * runtime inputs there).
 * @param {string} workspaceRoot
 * @param {string} file
 */
function scriptPath(workspaceRoot, file) {
  const rel = relative(workspaceRoot, join(__dirname, file));
  return rel.startsWith('..') || isAbsolute(rel) ? join(__dirname, file) : rel.split(sep).join('/');
}

/** The host, cross and AVR compilers and the emulators the firmware targets run. */
const TOOLS = ['gcc', 'arm-none-eabi-gcc', 'avr-gcc', 'qemu-system-arm'];

/** @typedef {NonNullable<import('@nx/devkit').TargetConfiguration['inputs']>[number]} Input */

/**
 * Runtime inputs for the toolchain versions. None fails when a tool is missing. simavr prints no version:
 * Debian's package database gives it, with the C libraries' (avr-libc, newlib).
 * @type {{ runtime: string }[]}
 */
const toolchainInputs = [
  ...TOOLS.map((tool) => ({ runtime: `${tool} --version 2>/dev/null || echo '${tool}: not installed'` })),
  { runtime: 'dpkg-query -W simavr avr-libc libnewlib-arm-none-eabi 2>/dev/null || true' },
];

/**
 * The targets of one app.
 * @param {string} app app id (the folder name under apps/)
 * @param {string[]} boards
 * @param {{ datasets?: string[], dataFingerprint?: string, stageBoard?: string }} [options] the app's
 *   datasets (default: all) and the workspace-relative paths of this plugin's scripts
 * @returns {Record<string, import('@nx/devkit').TargetConfiguration>}
 */
function appTargets(app, boards, options = {}) {
  const dist = `{workspaceRoot}/dist/apps/${app}`;
  const staged = `dist/boards/${app}`;
  const fingerprint = options.dataFingerprint ?? 'tools/nx-plugin/src/data-fingerprint.cjs';
  const stage = options.stageBoard ?? 'tools/nx-plugin/src/stage-board.cjs';
  const datasets = options.datasets ?? [];
  const dataInput = { runtime: ['node', fingerprint, ...datasets].join(' ') };

  /** Inputs of every target: the app, its packages, the CLI and the data. @type {Input[]} */
  const common = ['production', '^production', { input: 'production', projects: [CLI_PROJECT] }, dataInput];
  /** Inputs of the targets that build or run firmware for one board. @type {Input[]} */
  const firmware = [
    ...common,
    '{workspaceRoot}/boards/support/**/*',
    ...toolchainInputs,
    { dependentTasksOutputFiles: `${staged}/*.json`, transitive: true },
  ];
  const perBoard = {
    defaultConfiguration: DEFAULT_BOARD,
    configurations: Object.fromEntries(boards.map((b) => [b, { board: b }])),
  };

  /**
   * A run-commands target calling `murmur <verb> --app <app>` (with `--board` when per board).
   * @param {string} verb
   * @param {{ perBoard: boolean, inputs: Input[], outputs: string[],
   *   dependsOn?: (string | import('@nx/devkit').TargetDependencyConfig)[] }} opts
   * @returns {import('@nx/devkit').TargetConfiguration}
   */
  const murmur = (verb, opts) => ({
    executor: 'nx:run-commands',
    cache: true,
    inputs: opts.inputs,
    outputs: opts.outputs,
    ...(opts.dependsOn ? { dependsOn: opts.dependsOn } : {}),
    options: {
      command: `murmur ${verb} --app ${app}`,
      cwd: '{workspaceRoot}',
      ...(opts.perBoard ? { board: DEFAULT_BOARD } : {}),
    },
    ...(opts.perBoard ? perBoard : {}),
    metadata: { description: `murmur ${verb} for ${app}`, technologies: ['murmur'] },
  });

  return {
    train: murmur('train', { perBoard: false, inputs: common, outputs: [`${dist}/model`] }),
    build: murmur('build', {
      perBoard: true,
      inputs: firmware,
      outputs: [`${dist}/{options.board}`],
      dependsOn: ['train', { target: 'board', params: 'forward' }],
    }),
    verify: murmur('verify', {
      perBoard: true,
      inputs: firmware,
      outputs: [`${dist}/{options.board}/verify.json`],
      dependsOn: ['build'],
    }),
    eval: murmur('eval', {
      perBoard: true,
      inputs: firmware,
      outputs: [`${dist}/{options.board}/eval.json`],
      dependsOn: ['build'],
    }),
    board: {
      executor: 'nx:run-commands',
      // Always copies (a few milliseconds): the board file may come from $MURMUR_BOARDS_DIR, outside the
      // workspace. What build, verify and eval hash is the copy.
      cache: false,
      outputs: [`{workspaceRoot}/${staged}/{options.board}.json`],
      options: {
        command: `node ${stage} {args.board} ${staged}`,
        cwd: '{workspaceRoot}',
        board: DEFAULT_BOARD,
      },
      ...perBoard,
      metadata: {
        description: `copy boards/<board>.json to ${staged}/ for ${app}'s build, verify and eval to hash`,
        technologies: ['murmur'],
      },
    },
  };
}

/** @type {import('@nx/devkit').CreateNodesV2} */
const createNodesV2 = [
  'apps/*/app.config.ts',
  (configFiles, _options, context) => {
    const root = context.workspaceRoot;
    const boards = boardIds(root);
    const known = datasetNames(root);
    const scripts = {
      dataFingerprint: scriptPath(root, 'data-fingerprint.cjs'),
      stageBoard: scriptPath(root, 'stage-board.cjs'),
    };
    return configFiles.map((file) => {
      const appRoot = dirname(file);
      const app = basename(appRoot);
      const targets = appTargets(app, boards, { ...scripts, datasets: appDatasets(root, appRoot, known) });
      return /** @type {const} */ ([file, { projects: { [appRoot]: { name: app, targets } } }]);
    });
  },
];

module.exports = {
  name: '@murmur/nx-plugin',
  createNodes: createNodesV2,
  createNodesV2,
  appTargets,
  appDatasets,
  boardIds,
  datasetNames,
  toolchainInputs,
  CLI_PROJECT,
  DEFAULT_BOARD,
};
