/**
 * Generates the LoRa Alliance TS013 codec file of a schema: one self-contained ES5.1 script with
 * `decodeUplink(input)` (and `encodeDownlink`/`decodeDownlink` when the schema has a downlink) that runs
 * unchanged in The Things Stack and ChirpStack v4. The file holds a table per message and a small runtime
 * that mirrors the TS encoder/decoder of this package message for message.
 */
import { MurmurError } from '@murmur/core';
import { planOf, type Slot } from './plan';
import type { PayloadSchema } from './schema';
import { SHOWN_STRING_LENGTH } from './value-text';

export const CODEC_GENERATOR = '@murmur/payload codegen-js';

function slotTable(slot: Slot): Record<string, unknown> {
  const f = slot.field;
  const row: Record<string, unknown> = {
    name: slot.name,
    kind: f.kind,
    offset: slot.bitOffset,
    bits: slot.bits,
    length: slot.length,
    max: slot.rawMax,
  };
  if (f.kind === 'enum') row.values = f.values;
  if (f.kind !== 'enum' && f.kind !== 'bool') row.saturate = f.saturate === true;
  if (f.kind === 'fixed')
    Object.assign(row, { scaleInt: slot.scaleInt, offsetInt: slot.offsetInt, pow: slot.pow });
  if (f.kind === 'fixed') Object.assign(row, { scale32: slot.scale32, offset32: slot.offset32 });
  if ('unit' in f && f.unit !== undefined) row.unit = f.unit;
  return row;
}

/** JSON that is also an ES5 literal: U+2028 and U+2029 (line terminators in an ES5 string) escaped. */
function es5Json(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function messageTable(schema: PayloadSchema): string {
  const plan = planOf(schema);
  const head = {
    name: schema.name,
    fPort: schema.fPort,
    version: schema.version,
    versionBits: schema.versionBits,
    size: schema.size,
    bits: schema.bits,
  };
  const lines = plan.slots.map((s) => `    ${es5Json(slotTable(s))}`);
  const headText = JSON.stringify(head).slice(0, -1);
  return `${headText},\n  "fields": [\n${lines.join(',\n')}\n  ]\n}`;
}

/** ES5 runtime shared by every generated codec (kept in step with plan.ts and codec.ts). */
const RUNTIME = String.raw`
function readBits(bytes, pos, width) {
  var v = 0;
  while (width > 0) {
    var inByte = pos & 7;
    var take = Math.min(8 - inByte, width);
    var chunk = (bytes[pos >> 3] >> (8 - inByte - take)) & ((1 << take) - 1);
    v = v * (1 << take) + chunk;
    pos += take;
    width -= take;
  }
  return v;
}

function writeBits(out, pos, value, width) {
  while (width > 0) {
    var inByte = pos & 7;
    var put = Math.min(8 - inByte, width);
    var chunk = Math.floor(value / Math.pow(2, width - put)) & ((1 << put) - 1);
    out[pos >> 3] |= chunk << (8 - inByte - put);
    pos += put;
    width -= put;
  }
}

function elementName(f, i) {
  return f.length ? f.name + '[' + i + ']' : f.name;
}

function rawToValue(f, raw) {
  switch (f.kind) {
    case 'enum': return f.values[raw];
    case 'bool': return raw === 1;
    case 'uint': return raw > f.max ? undefined : raw;
    case 'int': return raw >= Math.pow(2, f.bits - 1) ? raw - Math.pow(2, f.bits) : raw;
    case 'fixed': return (raw * f.scaleInt + f.offsetInt) / f.pow;
    default: return raw / f.max;
  }
}

function invalidRawMessage(f, raw) {
  return f.kind === 'enum' ? raw + ' is not a valid value (0..' + f.max + ')' : raw + ' is above the maximum ' + f.max;
}

function firstMissing(m, n) {
  if (n * 8 < m.versionBits) return "field 'version', byte 0";
  for (var s = 0; s < m.fields.length; s++) {
    var f = m.fields[s];
    for (var i = 0; i < Math.max(1, f.length); i++) {
      var start = f.offset + i * f.bits;
      if (start + f.bits > n * 8) return "field '" + elementName(f, i) + "', byte " + (start >> 3);
    }
  }
  return "field 'version', byte 0";
}

function valueText(v) {
  var type = typeof v;
  if (type === 'string') return JSON.stringify(v.length > ${SHOWN_STRING_LENGTH} ? v.slice(0, ${SHOWN_STRING_LENGTH}) + '...' : v);
  if (type === 'bigint') return String(v) + 'n';
  if (v === null) return 'null';
  if (type === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  if (type === 'number' || type === 'boolean' || type === 'undefined') return String(v);
  return 'a ' + type;
}

function isInteger(v) {
  return typeof v === 'number' && isFinite(v) && Math.floor(v) === v;
}

function isArrayLike(bytes) {
  return typeof bytes === 'object' && bytes !== null && isInteger(bytes.length) && bytes.length >= 0;
}

function fPortError(m, fPort) {
  if (!isInteger(fPort)) return 'fPort ' + valueText(fPort) + ' is not an integer';
  if (fPort !== m.fPort) return 'fPort ' + fPort + " is not the fPort of '" + m.name + "' (" + m.fPort + ')';
  return undefined;
}

function sizeError(m, bytes) {
  if (!isArrayLike(bytes)) return 'bytes: ' + valueText(bytes) + ' is not an array of bytes';
  var n = bytes.length;
  var tail = " bytes, '" + m.name + "' has " + m.size;
  if (n < m.size) return firstMissing(m, n) + ': payload truncated: ' + n + tail;
  if (n > m.size) return 'byte ' + m.size + ': payload too long: ' + n + tail;
  return undefined;
}

function notBytes(bytes) {
  for (var i = 0; i < bytes.length; i++) {
    var v = bytes[i];
    if (!isInteger(v) || v < 0 || v > 255) return 'byte ' + i + ': ' + valueText(v) + ' is not a byte value';
  }
  return undefined;
}

function versionError(m, bytes) {
  var version = readBits(bytes, 0, m.versionBits);
  return version === m.version ? undefined : "field 'version', byte 0: version " + version + ', expected ' + m.version;
}

function frameError(m, bytes, fPort) {
  return fPortError(m, fPort) || sizeError(m, bytes) || notBytes(bytes) || versionError(m, bytes);
}

function inputField(input, key) {
  return typeof input === 'object' && input !== null ? input[key] : undefined;
}

function decodeMessage(m, bytes, fPort) {
  var frame = frameError(m, bytes, fPort);
  if (frame !== undefined) return { warnings: [], errors: [frame] };
  var data = {};
  var errors = [];
  for (var s = 0; s < m.fields.length; s++) {
    var f = m.fields[s];
    var values = [];
    for (var i = 0; i < Math.max(1, f.length); i++) {
      var pos = f.offset + i * f.bits;
      var raw = readBits(bytes, pos, f.bits);
      var v = rawToValue(f, raw);
      if (v === undefined) errors.push("field '" + elementName(f, i) + "', byte " + (pos >> 3) + ': ' + invalidRawMessage(f, raw));
      values.push(v);
    }
    data[f.name] = f.length ? values : values[0];
  }
  if (errors.length) return { warnings: [], errors: errors };
  var pad = m.size * 8 - m.bits;
  var warnings = pad > 0 && readBits(bytes, m.bits, pad) !== 0 ? ['byte ' + (m.size - 1) + ': padding bits are not zero'] : [];
  return { data: data, warnings: warnings, errors: [] };
}
`;

const FROUND = String.raw`
function fround(x) {
  if (x !== x || x === 0 || x === Infinity || x === -Infinity) return x;
  var sign = x < 0 ? -1 : 1;
  var a = sign * x;
  if (a >= 3.4028235677973366e38) return sign * Infinity;
  var e = Math.floor(Math.log(a) / Math.LN2);
  if (Math.pow(2, e) > a) e -= 1;
  if (Math.pow(2, e + 1) <= a) e += 1;
  var ulp = Math.pow(2, Math.max(e, -126) - 23);
  var q = a / ulp;
  var r = Math.floor(q);
  var d = q - r;
  if (d > 0.5 || (d === 0.5 && r % 2 === 1)) r += 1;
  return sign * r * ulp;
}
`;

const ENCODER = String.raw`
function quantize(f, v) {
  switch (f.kind) {
    case 'enum':
      var i = typeof v === 'string' ? f.values.indexOf(v) : -1;
      return i >= 0 ? i : valueText(v) + ' is not one of ' + f.values.join('|');
    case 'bool':
      return typeof v === 'boolean' ? (v ? 1 : 0) : valueText(v) + ' is not a boolean';
    case 'uint':
    case 'int':
      if (typeof v !== 'number' || v !== v) return valueText(v) + ' is not a number';
      if (isFinite(v) && Math.floor(v) !== v) return v + ' is not an integer';
      var lo = f.kind === 'int' ? -Math.pow(2, f.bits - 1) : 0;
      var hi = f.kind === 'int' ? Math.pow(2, f.bits - 1) - 1 : f.max;
      var x = v;
      if (x < lo || x > hi) {
        if (!f.saturate) return v + ' is out of range ' + lo + '..' + hi;
        x = x < lo ? lo : hi;
      }
      return x < 0 ? x + Math.pow(2, f.bits) : x;
    default:
      if (typeof v !== 'number' || v !== v) return valueText(v) + ' is not a number';
      var q = f.kind === 'fixed' ? fround(fround(fround(v) - f.offset32) / f.scale32) : fround(fround(v) * f.max);
      if (q !== q) return v + ' is not a number';
      if (q < -0.5 || q >= f.max + 0.5) {
        if (!f.saturate) {
          var range = f.kind === 'unorm' ? '0..1' : rawToValue(f, 0) + '..' + rawToValue(f, f.max);
          return v + ' is out of range ' + range;
        }
        return q < 0 ? 0 : f.max;
      }
      return q < 0 ? 0 : Math.round(q);
  }
}

function encodeMessage(m, value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { errors: ["a '" + m.name + "' value must be an object"] };
  }
  var known = {};
  for (var s = 0; s < m.fields.length; s++) known[m.fields[s].name] = true;
  for (var key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && !Object.prototype.hasOwnProperty.call(known, key)) {
      return { errors: ["field '" + key + "': unknown field in '" + m.name + "'"] };
    }
  }
  var out = [];
  for (var b = 0; b < m.size; b++) out.push(0);
  writeBits(out, 0, m.version, m.versionBits);
  for (s = 0; s < m.fields.length; s++) {
    var f = m.fields[s];
    var v = value[f.name];
    if (v === undefined) return { errors: ["field '" + f.name + "': missing"] };
    if (f.length && (!Array.isArray(v) || v.length !== f.length)) {
      return { errors: ["field '" + f.name + "': must be an array of " + f.length + ' values'] };
    }
    for (var i = 0; i < Math.max(1, f.length); i++) {
      var raw = quantize(f, f.length ? v[i] : v);
      if (typeof raw === 'string') return { errors: ["field '" + elementName(f, i) + "': " + raw] };
      writeBits(out, f.offset + i * f.bits, raw, f.bits);
    }
  }
  return { bytes: out };
}
`;

/** How the codec script returns its results. */
export interface CodecJsOptions {
  /**
   * Also put the uplink decoder's warnings into `data.warnings` (always an array, empty when there is none):
   * ChirpStack v4 keeps only `data` (and fails the uplink on `errors`), so its users see warnings only there.
   */
  warningsInData?: boolean;
}

/** The TS013 codec script of a schema (ES5.1, self-contained). */
export function generateCodecJs(schema: PayloadSchema, options: CodecJsOptions = {}): string {
  const down = schema.downlink;
  const warningsInData = options.warningsInData === true;
  if (warningsInData && planOf(schema).slots.some((s) => s.name === 'warnings')) {
    throw new MurmurError(
      `the payload schema '${schema.name}' has a field named 'warnings', so warnings cannot go into data.warnings`,
      { field: 'warnings' },
    );
  }
  const parts = [
    `/*\n * LoRaWAN payload codec (LoRa Alliance TS013) for '${schema.name}' v${schema.version}:` +
      ` uplink fPort ${schema.fPort}, ${schema.size} bytes` +
      (down ? `; downlink '${down.name}' v${down.version}: fPort ${down.fPort}, ${down.size} bytes` : '') +
      `.\n * Generated by ${CODEC_GENERATOR} from the payload schema '${schema.name}' version ${schema.version}.` +
      '\n * ES5.1, no dependencies: runs in The Things Stack and ChirpStack v4. Do not edit; regenerate.' +
      (warningsInData
        ? '\n * decodeUplink also returns its warnings in data.warnings (ChirpStack v4 keeps only data).'
        : '') +
      '\n */',
    `var UPLINK = ${messageTable(schema)};`,
  ];
  if (down) parts.push(`var DOWNLINK = ${messageTable(down)};`);
  parts.push(RUNTIME.trim());
  if (down) {
    // The encoder's float branch calls fround; it is declared with the encoder even when no field needs it.
    parts.push(FROUND.trim());
    parts.push(ENCODER.trim());
  }
  parts.push(
    warningsInData
      ? [
          '/**',
          ' * TS013 uplink decoder: input { bytes, fPort, recvTime?, variables? } -> { data, warnings, errors }, with the',
          ' * warnings also in data.warnings.',
          ' */',
          'function decodeUplink(input) {',
          "  var r = decodeMessage(UPLINK, inputField(input, 'bytes'), inputField(input, 'fPort'));",
          '  if (r.data) r.data.warnings = r.warnings.slice();',
          '  return r;',
          '}',
        ].join('\n')
      : [
          '/** TS013 uplink decoder: input { bytes, fPort, recvTime?, variables? } -> { data, warnings, errors }. */',
          'function decodeUplink(input) {',
          "  return decodeMessage(UPLINK, inputField(input, 'bytes'), inputField(input, 'fPort'));",
          '}',
        ].join('\n'),
  );
  if (down) {
    parts.push(
      [
        '/** TS013 downlink encoder: input { data } -> { bytes, fPort, warnings, errors }. */',
        'function encodeDownlink(input) {',
        "  var r = encodeMessage(DOWNLINK, inputField(input, 'data'));",
        '  if (r.errors) return { warnings: [], errors: r.errors };',
        '  return { bytes: r.bytes, fPort: DOWNLINK.fPort, warnings: [], errors: [] };',
        '}',
        '',
        '/** TS013 downlink decoder: input { bytes, fPort } -> { data, warnings, errors }. */',
        'function decodeDownlink(input) {',
        "  return decodeMessage(DOWNLINK, inputField(input, 'bytes'), inputField(input, 'fPort'));",
        '}',
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
