/**
 * How error messages show a value that arrived where it should not: any value, hostile ones included,
 * gives a short text without calling the value's own methods (no toString, no toJSON), so showing it cannot
 * throw. The codec JS carries a line-for-line ES5 twin (`valueText` in codegen-js.ts).
 */

/** Longest string shown whole; longer ones are cut and end in `...`. */
export const SHOWN_STRING_LENGTH = 40;

/** `"text"` (JSON, cut), numbers and booleans as `String` does, `5n`, `null`, `undefined`, `an array`, `an object`. */
export function valueText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > SHOWN_STRING_LENGTH ? `${v.slice(0, SHOWN_STRING_LENGTH)}...` : v);
    case 'bigint':
      return `${v}n`;
    case 'object':
      return v === null ? 'null' : Array.isArray(v) ? 'an array' : 'an object';
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(v);
    default:
      return `a ${typeof v}`;
  }
}
