/**
 * A small block-style YAML writer for plain JSON data (objects, arrays, strings, numbers, booleans, null):
 * enough for codec and device-repository files. Strings are double-quoted JSON strings, which YAML reads as is;
 * arrays of scalars are written in flow style (`[1, 2, 3]`).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function scalar(v: Json): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`YAML: ${v} is not a finite number`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map(scalar);
    return items.every((s) => s !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  return Object.keys(v).length === 0 ? '{}' : undefined;
}

function lines(v: Json, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      const s = scalar(item);
      if (s !== undefined) return [`${indent}- ${s}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  return Object.entries(v as Record<string, Json>).flatMap(([key, item]) => {
    const k = PLAIN_KEY.test(key) ? key : JSON.stringify(key);
    const s = scalar(item);
    return s !== undefined ? [`${indent}${k}: ${s}`] : [`${indent}${k}:`, ...lines(item, `${indent}  `)];
  });
}

/** YAML text of a plain JSON object. */
export function toYaml(value: Record<string, unknown>): string {
  return `${lines(JSON.parse(JSON.stringify(value)) as Json, '').join('\n')}\n`;
}
