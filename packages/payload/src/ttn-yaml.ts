/**
 * YAML for The Things Network device repository, written the way Prettier prints it with the repository's
 * settings (`singleQuote: true`, `printWidth: 200`), so that its `prettier --check "vendor/**\/*.yaml"` passes
 * on the files as written:
 * - block style; an array of numbers (payload bytes) in flow style (`[1, 2, 3]`) when its line fits the
 *   print width (Prettier breaks a longer one over many lines);
 * - every string quoted, in the quotes Prettier keeps: single quotes, double quotes when the text holds a `'`
 *   and no `"`, and double quotes with escapes when it holds a character that must be escaped;
 * - keys plain when YAML reads them back as the same string, else quoted like strings.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The repository's Prettier `printWidth`. */
export const TTN_PRINT_WIDTH = 200;

/** A character a YAML string cannot hold as it is: control, C1, line or paragraph separator, BOM, lone surrogate. */
function unsafe(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0xfeff ||
    (c >= 0xd800 && c <= 0xdfff)
  );
}

const mustEscape = (s: string): boolean => [...s].some(unsafe);
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Plain keys YAML 1.1 or 1.2 would read as booleans or null. */
const RESERVED_KEY = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

/** A YAML string scalar in the quotes Prettier keeps with `singleQuote: true`. */
export function yamlString(s: string): string {
  if (mustEscape(s)) {
    const json = JSON.stringify(s);
    return json.replace(
      /[\u007f-\u009f\u2028\u2029\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (s.includes('"')) return `'${s.replace(/'/g, "''")}'`;
  if (s.includes("'")) return `"${s.replace(/\\/g, '\\\\')}"`;
  return `'${s}'`;
}

function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !RESERVED_KEY.test(key) ? key : yamlString(key);
}

function scalar(v: Json): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`YAML: ${v} is not a finite number`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  return Object.keys(v).length === 0 ? '{}' : undefined;
}

/** Display width as Prettier counts it, over-estimated (2 for every non-ASCII character). */
function width(text: string): number {
  let w = 0;
  for (const c of text) w += c.charCodeAt(0) < 0x80 ? 1 : 2;
  return w;
}

/** `[1, 2, 3]` when `v` is a non-empty array of numbers and the line `prefix + [...]` fits the print width. */
function flow(v: Json, prefix: string): string | undefined {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number')) return undefined;
  const text = `[${v.map(scalar).join(', ')}]`;
  return width(prefix + text) <= TTN_PRINT_WIDTH ? text : undefined;
}

function lines(v: Json, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      const s = scalar(item) ?? flow(item, `${indent}- `);
      if (s !== undefined) return [`${indent}- ${s}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  return Object.entries(v as Record<string, Json>).flatMap(([key, item]) => {
    const k = yamlKey(key);
    const s = scalar(item) ?? flow(item, `${indent}${k}: `);
    return s !== undefined ? [`${indent}${k}: ${s}`] : [`${indent}${k}:`, ...lines(item, `${indent}  `)];
  });
}

/**
 * YAML text of a plain JSON object, Prettier-stable under the device repository's settings; `comments` become
 * `# ` lines at the top.
 */
export function toTtnYaml(value: Record<string, unknown>, comments: readonly string[] = []): string {
  const head = comments
    .map((c) =>
      [...c]
        .map((ch) => (unsafe(ch) ? ' ' : ch))
        .join('')
        .trimEnd(),
    )
    .map((c) => (c === '' ? '#' : `# ${c}`));
  const body = lines(JSON.parse(JSON.stringify(value)) as Json, '');
  return `${[...head, ...body].join('\n')}\n`;
}
