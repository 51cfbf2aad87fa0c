// @ts-check
/**
 * `nx g @murmur/nx-plugin:app <name> --template <app>`: a new app under apps/<name>, copied from a template
 * app with every occurrence of the template's id renamed (package name, Nx project, app id, C symbol prefix).
 * The copy builds and tests as the template does.
 */
const { installPackagesTask } = require('@nx/devkit');

const TEMPLATES = ['predictive-maintenance', 'wearable-activity', 'ppg-triage'];
const SKIP = new Set(['node_modules', 'dist', '.nx']);

/** Escapes a string for use inside a RegExp. @param {string} s */
const literal = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Renames the template's id (and its C form with underscores) to the new app's, except where the id names
 * the template's dataset (`dataset: '<id>'`, `loadDataset('<id>'`): the new app starts on the same data.
 * @param {string} text @param {string} from @param {string} to
 */
function renameIds(text, from, to) {
  const id = new RegExp(`(?<!dataset: '|loadDataset\\(')${literal(from)}`, 'g');
  return text.replace(id, to).split(from.replace(/-/g, '_')).join(to.replace(/-/g, '_'));
}

/**
 * @param {import('@nx/devkit').Tree} tree
 * @param {string} from
 * @param {string} to
 * @param {string} template
 * @param {string} name
 */
function copyTree(tree, from, to, template, name) {
  for (const child of tree.children(from)) {
    if (SKIP.has(child)) continue;
    const src = `${from}/${child}`;
    const dst = `${to}/${renameIds(child, template, name)}`;
    if (tree.isFile(src)) {
      const content = tree.read(src);
      if (content === null) continue;
      const isText = !content.includes(0);
      tree.write(dst, isText ? renameIds(content.toString('utf8'), template, name) : content);
    } else {
      copyTree(tree, src, dst, template, name);
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
  copyTree(tree, `apps/${template}`, `apps/${name}`, template, name);
  return () => installPackagesTask(tree, true);
}

module.exports = appGenerator;
module.exports.default = appGenerator;
module.exports.renameIds = renameIds;
