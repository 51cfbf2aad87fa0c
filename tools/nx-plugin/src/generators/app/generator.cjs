// @ts-check
/**
 * `nx g @murmur/nx-plugin:app <name> --template <app>`: a new app under apps/<name>, copied from a template
 * app with every occurrence of the template's id renamed (package name, Nx project, app id, C symbol prefix)
 * except where it names the template's dataset, and its payload moved to fPorts no other app uses. The copy
 * builds and tests as the template does.
 *
 * The generator writes apps/<name>/ only. It installs nothing and leaves package.json and package-lock.json
 * alone: `npm install` afterwards links the new workspace package (@murmur/<name>, which `loadApp` imports)
 * and adds just its two entries to package-lock.json, which `npm ci` needs.
 */
const { logger } = require('@nx/devkit');

const TEMPLATES = ['predictive-maintenance', 'wearable-activity', 'ppg-triage'];
/** Not copied: installed packages, build and test output. */
const SKIP = new Set(['node_modules', 'dist', '.nx', '.murmur']);

/** LoRaWAN application fPorts. */
const FPORT_MIN = 1;
const FPORT_MAX = 223;

/** Escapes a string for use inside a RegExp. @param {string} s */
const literal = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What comes right before a dataset name, in the templates' code and READMEs: the dataset keeps the
 * template's name (the new app starts on the same data).
 */
const DATASET_CONTEXTS = [
  "dataset: '",
  "loadDataset('",
  "resolveDataSource('",
  "testData('",
  "join(dataDir, '",
  '<data-dir>/',
  'MURMUR_DATA_DIR/',
  'datasets/samples/',
  'datasets/cache/',
  'datasets/catalog/',
  'data fetch ',
];

/**
 * Renames the template's id (and its C form with underscores) to the new app's, except where the id names
 * the template's dataset (`dataset: '<id>'`, `testData('<id>'`, `<data-dir>/<id>/`, "the <id> dataset", …).
 * @param {string} text @param {string} from @param {string} to
 */
function renameIds(text, from, to) {
  const before = DATASET_CONTEXTS.map(literal).join('|');
  const id = new RegExp(`(?<!${before})${literal(from)}(?! dataset)`, 'g');
  return text.replace(id, to).split(from.replace(/-/g, '_')).join(to.replace(/-/g, '_'));
}

/** `fPort: 12` in a schema, `fPort 12` in prose, `--fport 12` in a command line. */
const FPORT_MENTION = /(?<![\w-])(fPort:?\s*|--fport[ =])(\d+)(?!\d)/g;
/** The fPort of a payload schema (uplink or downlink). */
const FPORT_FIELD = /(?<![\w-])fPort:\s*(\d+)(?!\d)/g;

/** Replaces the fPorts of `ports` (old → new) wherever the text mentions them. @param {string} text @param {Map<number, number>} ports */
function rewriteFPorts(text, ports) {
  return text.replace(FPORT_MENTION, (whole, lead, n) => {
    const to = ports.get(Number(n));
    return to === undefined ? whole : `${lead}${to}`;
  });
}

/**
 * The fPorts the payload schemas under `dir` declare, in the order they appear (tests left out).
 * @param {import('@nx/devkit').Tree} tree @param {string} dir
 */
function schemaFPorts(tree, dir) {
  /** @type {number[]} */
  const ports = [];
  /** @param {string} d */
  const scan = (d) => {
    for (const child of tree.children(d)) {
      if (SKIP.has(child)) continue;
      const path = `${d}/${child}`;
      if (!tree.isFile(path)) scan(path);
      else if (child.endsWith('.ts') && !child.endsWith('.test.ts')) {
        for (const m of (tree.read(path, 'utf-8') ?? '').matchAll(FPORT_FIELD)) ports.push(Number(m[1]));
      }
    }
  };
  scan(dir);
  return [...new Set(ports)];
}

/**
 * For each fPort of the template, the lowest fPort in 1..223 that no app uses (uplink and downlink).
 * @param {import('@nx/devkit').Tree} tree @param {string} template
 * @returns {Map<number, number>}
 */
function freeFPorts(tree, template) {
  const used = new Set(tree.children('apps').flatMap((app) => schemaFPorts(tree, `apps/${app}`)));
  const ports = new Map();
  let next = FPORT_MIN;
  for (const port of schemaFPorts(tree, `apps/${template}`)) {
    while (used.has(next)) next++;
    if (next > FPORT_MAX) throw new Error(`no free fPort left in ${FPORT_MIN}..${FPORT_MAX} for the new app`);
    ports.set(port, next);
    used.add(next);
  }
  return ports;
}

/**
 * @param {import('@nx/devkit').Tree} tree
 * @param {string} from
 * @param {string} to
 * @param {(text: string) => string} rewrite
 * @param {(name: string) => string} rename
 */
function copyTree(tree, from, to, rewrite, rename) {
  for (const child of tree.children(from)) {
    if (SKIP.has(child)) continue;
    const src = `${from}/${child}`;
    const dst = `${to}/${rename(child)}`;
    if (tree.isFile(src)) {
      const content = tree.read(src);
      if (content === null) continue;
      const isText = !content.includes(0);
      tree.write(dst, isText ? rewrite(content.toString('utf8')) : content);
    } else {
      copyTree(tree, src, dst, rewrite, rename);
    }
  }
}

/**
 * @param {import('@nx/devkit').Tree} tree
 * @param {{ name: string, template?: string }} options
 */
async function appGenerator(tree, options) {
  const template = options.template ?? 'wearable-activity';
  const name = options.name;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new Error(`app name '${name}': use lower-case letters, digits and dashes, starting with a letter`);
  }
  if (!TEMPLATES.includes(template)) {
    throw new Error(`unknown template '${template}' (templates: ${TEMPLATES.join(', ')})`);
  }
  if (!tree.exists(`apps/${template}/app.config.ts`)) {
    throw new Error(`template apps/${template} has no app.config.ts`);
  }
  if (tree.exists(`apps/${name}`)) {
    throw new Error(`apps/${name} already exists`);
  }
  const ports = freeFPorts(tree, template);
  copyTree(
    tree,
    `apps/${template}`,
    `apps/${name}`,
    (text) => rewriteFPorts(renameIds(text, template, name), ports),
    (file) => renameIds(file, template, name),
  );
  const moved = [...ports].map(([a, b]) => `${a} → ${b}`).join(', ');
  return () => {
    logger.info(
      [
        `apps/${name} created from apps/${template}${moved ? ` (fPort ${moved})` : ''}. Next:`,
        `  npm install                                   # links @murmur/${name}; adds its two entries to package-lock.json`,
        `  npx tsx packages/app/src/payload-fixtures.ts  # the payload test fixtures list every app`,
        `  npx nx build ${name} --configuration=<board>`,
      ].join('\n'),
    );
  };
}

module.exports = appGenerator;
module.exports.default = appGenerator;
module.exports.renameIds = renameIds;
module.exports.rewriteFPorts = rewriteFPorts;
module.exports.freeFPorts = freeFPorts;
