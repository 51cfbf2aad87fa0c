#!/usr/bin/env node
// @ts-check
/**
 * `node tools/nx-plugin/src/data-fingerprint.cjs [dataset ...]`: one line per dataset naming where the data
 * is read from and a digest of what is there, for Nx to hash (a `runtime` input). The place follows the
 * order of datasets/src/datadir.ts: `$MURMUR_DATA_DIR/<dataset>` when the variable is set (used as it is,
 * even when missing), else `datasets/cache/<dataset>` when it exists, else the shipped
 * `datasets/samples/<dataset>`. Without arguments, every dataset of the catalog, the cache, the samples
 * and `$MURMUR_DATA_DIR`, and the shipped sample as a whole (what the tests' `data` input runs).
 *
 * Fetched or external data is fingerprinted by file names, sizes and modification times (stat only, so a
 * dataset of gigabytes costs milliseconds); the shipped sample, which is small and checked out by git
 * (whose checkouts change times, not contents), by its contents. Run from the workspace root, as Nx does.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, realpathSync, statSync } = require('node:fs');
const { isAbsolute, join, relative, resolve, sep } = require('node:path');

/** The sub-directories of `dir` (none when it does not exist). @param {string} dir */
function subdirs(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory()))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** Every file under `dir` (symbolic links followed once), as paths relative to `dir` with `/`. @param {string} dir */
function files(dir) {
  /** @type {string[]} */
  const out = [];
  const seen = new Set();
  /** @param {string} abs @param {string} rel */
  const walk = (abs, rel) => {
    let real;
    try {
      real = realpathSync(abs);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      const sub = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = statSync(path);
      } catch {
        out.push(sub);
        continue;
      }
      if (st.isDirectory()) walk(path, sub);
      else out.push(sub);
    }
  };
  walk(dir, '');
  return out;
}

/**
 * `files=<n> bytes=<sum> <digest>` of the files under `dir`: by name, size and modification time, or by name
 * and contents.
 * @param {string} dir @param {boolean} byContents
 */
function digest(dir, byContents) {
  const hash = createHash('sha256');
  let bytes = 0;
  const list = files(dir);
  for (const f of list) {
    const path = join(dir, f);
    let st;
    try {
      st = statSync(path);
    } catch {
      hash.update(`${f}\tunreadable\n`);
      continue;
    }
    bytes += st.size;
    if (byContents) hash.update(`${f}\t${st.size}\t`).update(readFileSync(path)).update('\n');
    else hash.update(`${f}\t${st.size}\t${st.mtimeMs}\n`);
  }
  return `files=${list.length} bytes=${bytes} ${hash.digest('hex')}`;
}

/** `dir` as the fingerprint shows it: relative to the workspace when inside it. @param {string} root @param {string} dir */
function shown(root, dir) {
  const rel = relative(root, dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : dir;
}

/**
 * One line: `<dataset> <kind> <dir> files=<n> bytes=<sum> <digest>`.
 * @param {string} dataset
 * @param {{ root: string, env: string | undefined }} where
 */
function fingerprint(dataset, where) {
  const cache = join(where.root, 'datasets', 'cache');
  const samples = join(where.root, 'datasets', 'samples');
  /** @type {[string, string]} */
  const [kind, base] = where.env
    ? ['env', resolve(where.env)]
    : existsSync(join(cache, dataset))
      ? ['cache', cache]
      : existsSync(join(samples, dataset))
        ? ['sample', samples]
        : ['none', ''];
  if (kind === 'none') return `${dataset} none`;
  const dir = join(base, dataset);
  if (!existsSync(dir)) return `${dataset} ${kind} ${shown(where.root, dir)} missing`;
  return `${dataset} ${kind} ${shown(where.root, dir)} ${digest(dir, kind === 'sample')}`;
}

/**
 * Every dataset name the workspace knows: catalog entries, cache and sample folders, and the folders of
 * `$MURMUR_DATA_DIR`.
 * @param {{ root: string, env: string | undefined }} where
 */
function allDatasets(where) {
  const catalog = join(where.root, 'datasets', 'catalog');
  const names = new Set([
    ...(existsSync(catalog) ? readdirSync(catalog) : [])
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length)),
    ...subdirs(join(where.root, 'datasets', 'cache')),
    ...subdirs(join(where.root, 'datasets', 'samples')),
    ...(where.env ? subdirs(resolve(where.env)) : []),
  ]);
  return [...names].sort();
}

/**
 * The fingerprint text for `datasets` (all of them when empty).
 * @param {string[]} datasets
 * @param {{ root?: string, env?: string }} [options] workspace root (default: the working directory) and
 *   the value of MURMUR_DATA_DIR (default: the environment's)
 */
function dataFingerprint(datasets, options = {}) {
  const env = 'env' in options ? options.env : process.env['MURMUR_DATA_DIR'];
  const where = { root: resolve(options.root ?? process.cwd()), env: env || undefined };
  if (datasets.length) return datasets.map((d) => fingerprint(d, where)).join('\n') + '\n';
  // Every dataset, and the whole shipped sample as well: tests may read it whatever the data order picks.
  const samples = join(where.root, 'datasets', 'samples');
  const lines = allDatasets(where).map((d) => fingerprint(d, where));
  if (existsSync(samples)) lines.push(`samples ${shown(where.root, samples)} ${digest(samples, true)}`);
  return lines.join('\n') + '\n';
}

module.exports = { dataFingerprint };

if (require.main === module) {
  process.stdout.write(dataFingerprint(process.argv.slice(2)));
}
