/**
 * Test helpers for hostile input: values that break naive readers, JSON messages with some of their fields
 * replaced or deleted, the outcome of an ingestion (an Uplink or a MurmurError, nothing else) and the
 * invariants every accepted Uplink keeps.
 */
import fc from 'fast-check';
import { MurmurError } from '@murmur/core';
import {
  DEFAULT_MAX_GATEWAYS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  isApplicationPort,
  isRfc3339,
  MAX_FCNT,
  MAX_GATEWAY_ID_LENGTH,
  RSSI_RANGE,
  SNR_RANGE,
  type Uplink,
} from './uplink';

/** A string of 1 MiB, built once so that drawing it costs nothing. */
export const HUGE_STRING = 'g'.repeat(1 << 20);

/** The longest MurmurError message an ingestion may write (it never echoes a whole input). */
export const MAX_MESSAGE_LENGTH = 400;

/** Values that break naive readers: out-of-range and non-integer numbers, bad timestamps, long strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    -1,
    0,
    1.5,
    223,
    224,
    256,
    2 ** 32 - 1,
    2 ** 32,
    1e300,
    -1e300,
    NaN,
    Infinity,
    -Infinity,
    -0,
    '',
    'x',
    '9',
    '65535',
    '2026-13-45T99:99:99Z',
    '2025-02-29T00:00:00Z',
    '2026-05-01T10:00:00.123456789Z',
    'AAAA',
    null,
    undefined,
    true,
    [],
    {},
    HUGE_STRING,
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 80 }),
  fc.double(),
  fc.integer(),
  fc.base64String({ maxLength: 400 }),
);

/** Values drawn from `valid` nine times in ten, else a hostile value. */
export function mostlyValid(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: hostileValue, weight: 1 });
}

type Path = (string | number)[];

/** Every path into a JSON value (object keys and array indices, holes included), the root excluded. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: Path[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? Array.from(value, (v, i) => [i, v])
    : Object.entries(value);
  for (const [k, v] of entries) out.push([...prefix, k], ...pathsOf(v, [...prefix, k]));
  return out;
}

/** A deep copy of `message` with the value at `path` replaced by `value`, or deleted when `remove` is set. */
export function edited(message: unknown, path: Path, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(message) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** `message` after 1..3 edits, each replacing the value at one of its paths with a hostile one or deleting it. */
export function mutatedMessage(message: object): fc.Arbitrary<unknown> {
  const paths = pathsOf(message);
  const edit = fc.record({ path: fc.constantFrom(...paths), value: hostileValue, remove: fc.boolean() });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    let out: unknown = message;
    for (const e of edits) {
      if (pathsOf(out).some((p) => p.join('.') === e.path.join('.')))
        out = edited(out, e.path, e.value, e.remove);
    }
    return out;
  });
}

/**
 * Runs an ingestion: its Uplink, or undefined when it threw a MurmurError with a message of bounded length.
 * Any other exception (TypeError, RangeError, ...) is rethrown, so that a property over it fails.
 */
export function outcome(ingest: () => Uplink): Uplink | undefined {
  try {
    return ingest();
  } catch (err) {
    if (!(err instanceof MurmurError)) throw err;
    if (err.message.length > MAX_MESSAGE_LENGTH)
      throw new Error(`a MurmurError message of ${err.message.length} characters`);
    return undefined;
  }
}

/** The limits an accepted Uplink was read under. */
export interface AcceptedLimits {
  maxPayloadBytes?: number;
  /** Ports an accepted uplink may have besides 1..223 (an NB-IoT uplink without a schema has 0). */
  otherPorts?: number[];
}

function inRange(v: number | undefined, min: number, max: number): boolean {
  return v === undefined || (Number.isFinite(v) && v >= min && v <= max);
}

/** The invariants an accepted Uplink breaks (none for a sane one). */
export function insaneFields(u: Uplink, limits: AcceptedLimits = {}): string[] {
  const maxPayloadBytes = limits.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const broken: string[] = [];
  if (!/^(|[0-9a-f]{16}|\d{15})$/.test(u.devEui)) broken.push(`devEui ${u.devEui}`);
  if (!Number.isInteger(u.fCnt) || u.fCnt < 0 || u.fCnt > MAX_FCNT) broken.push(`fCnt ${u.fCnt}`);
  if (!isApplicationPort(u.fPort) && !(limits.otherPorts ?? []).includes(u.fPort))
    broken.push(`fPort ${u.fPort}`);
  if (!isRfc3339(u.receivedAt)) broken.push(`receivedAt ${u.receivedAt}`);
  if (!inRange(u.rssi, RSSI_RANGE.min, RSSI_RANGE.max)) broken.push(`rssi ${u.rssi}`);
  if (!inRange(u.snr, SNR_RANGE.min, SNR_RANGE.max)) broken.push(`snr ${u.snr}`);
  const sf = u.spreadingFactor;
  if (sf !== undefined && !(Number.isInteger(sf) && sf >= 5 && sf <= 12))
    broken.push(`spreadingFactor ${sf}`);
  if (u.gateways.length > DEFAULT_MAX_GATEWAYS) broken.push(`${u.gateways.length} gateways`);
  for (const g of u.gateways) {
    if (typeof g.id !== 'string' || g.id === '' || g.id.length > MAX_GATEWAY_ID_LENGTH)
      broken.push(`gateway id of ${String(g.id).length} characters`);
    if (!inRange(g.rssi, RSSI_RANGE.min, RSSI_RANGE.max) || !inRange(g.snr, SNR_RANGE.min, SNR_RANGE.max))
      broken.push(`gateway ${g.id} rssi ${g.rssi} snr ${g.snr}`);
  }
  if (!/^([0-9a-f]{2})*$/.test(u.bytes) || u.bytes.length / 2 > maxPayloadBytes)
    broken.push(`payload of ${u.bytes.length / 2} bytes`);
  return broken;
}
