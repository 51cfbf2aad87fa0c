/**
 * Fuzzing of every decoder that reads what the network hands over: the payload decoders (bit-packed `decode`,
 * the TS013 codec JS in a `node:vm` context, compact CBOR, SenML) and the ingestion functions of @murmur/lpwan
 * (The Things Stack, ChirpStack, NB-IoT datagrams, raw PHYPayloads). Each gets a million seeded inputs
 * (random, truncated, bit-flipped, non-byte arrays, huge numbers, bigints and bignums in CBOR, JSON messages
 * mutated from valid ones) and the suite counts exceptions (any throw, except the typed rejection of the lpwan
 * functions, a MurmurError), hangs (an input taking over a second) and inputs on which the codec JS and the TS
 * decoder disagree. Every count should be zero.
 */
import vm from 'node:vm';
import { createProgress, createRng, MurmurError, type Rng } from '@murmur/core';
import type * as PayloadModule from '@murmur/payload';
import type { DecodeResult, PayloadSchema } from '@murmur/payload';
import type * as LpwanModule from '@murmur/lpwan';
import type { Encoder } from 'cbor-x';
import type { BenchSuite } from '../suite';

const INPUTS_PER_DECODER = 1_000_000;
const BATCH = 10_000;
const HANG_MS = 1_000;
const SEED = 20_260_501;
/** A whole codec batch taking this long is a hang (the vm stops it). */
const CODEC_BATCH_TIMEOUT_MS = 120_000;
const SAMPLES = 5;

type Payload = typeof PayloadModule;
type Lpwan = typeof LpwanModule;

interface Sample {
  input: string;
  error?: string;
  ts?: string;
  codec?: string;
}

interface Tally {
  decoder: string;
  inputs: number;
  exceptions: number;
  hangs: number;
  /** Codec JS only: inputs whose result differs from the TS decoder's (JSON-compared). */
  disagreements?: number;
  /** lpwan only: inputs refused with a thrown MurmurError, the expected typed rejection. */
  typedRejections?: number;
  /** Results carrying decoded data, and results carrying errors. */
  withData: number;
  withErrors: number;
  slowestMs: number;
  seconds: number;
  samples: Sample[];
}

function newTally(decoder: string, extra: { disagreements?: number; typedRejections?: number } = {}): Tally {
  return {
    decoder,
    inputs: 0,
    exceptions: 0,
    hangs: 0,
    ...extra,
    withData: 0,
    withErrors: 0,
    slowestMs: 0,
    seconds: 0,
    samples: [],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Values

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(0, items.length - 1)]!;
const chance = (rng: Rng, p: number): boolean => rng.next() < p;

const SPECIAL_NUMBERS = [256, -1, 1.5, 1e300, -1e300, 2 ** 53, 2 ** 64, -(2 ** 31), 2 ** 32, -0, 0.1, 1e-300];
const SPECIAL_STRINGS = [
  '213',
  '',
  '0x10',
  '\u0000',
  '\u2028',
  'ÿ',
  '70B3D57ED0000001',
  '2026-05-01T10:00:00Z',
];
const TEXT_CHARS = 'abcXYZ019+/=-_:. {}[]",\\\u00e9\u2603';

function randomText(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += TEXT_CHARS[rng.int(0, TEXT_CHARS.length - 1)];
  return s;
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.uint32() & 0xff;
  return out;
}

/** A number of any magnitude, sign and fraction. */
function randomNumber(rng: Rng): number {
  switch (rng.int(0, 3)) {
    case 0:
      return pick(rng, SPECIAL_NUMBERS);
    case 1:
      return rng.int(-100_000, 100_000);
    case 2:
      return (rng.next() - 0.5) * 10 ** rng.int(0, 308);
    default:
      return rng.int(0, 255);
  }
}

/** A value JSON can carry: numbers, strings, booleans, null, arrays and objects (nested up to `depth`). */
function jsonValue(rng: Rng, depth = 2): unknown {
  switch (rng.int(0, 6)) {
    case 0:
      return randomNumber(rng);
    case 1:
      return chance(rng, 0.5) ? pick(rng, SPECIAL_STRINGS) : randomText(rng, rng.int(0, 12));
    case 2:
      return pick(rng, [null, true, false]);
    case 3:
      return depth > 0 ? Array.from({ length: rng.int(0, 3) }, () => jsonValue(rng, depth - 1)) : [];
    case 4: {
      if (depth === 0) return {};
      const entries = Array.from({ length: rng.int(0, 3) }, () => [
        randomText(rng, 3),
        jsonValue(rng, depth - 1),
      ]);
      return Object.fromEntries(entries);
    }
    case 5:
      return chance(rng, 0.01) ? 'x'.repeat(100_000) : pick(rng, ['', 'x']);
    default:
      return rng.int(0, 255);
  }
}

/** Any value a caller could pass: JSON values and NaN, infinities, undefined, bigints and typed arrays. */
function anyValue(rng: Rng): unknown {
  switch (rng.int(0, 4)) {
    case 0:
      return pick(rng, [NaN, Infinity, -Infinity, undefined, 5n, 2n ** 64n, -(2n ** 70n)]);
    case 1:
      return pick(rng, [
        new Float64Array([1.5, 300]),
        new Int16Array([300, -1]),
        new Map([[1, 2]]),
        new Set([1]),
      ]);
    default:
      return jsonValue(rng);
  }
}

const isSchema = (x: unknown): x is PayloadSchema =>
  typeof x === 'object' && x !== null && 'fields' in x && 'size' in x && 'name' in x;

/** Display of an input for a sample: JSON with bigints, typed arrays and undefined spelled out, cut short. */
function show(v: unknown): string {
  let text: string;
  try {
    text =
      JSON.stringify(v, (key, x: unknown) => {
        if (key === 'codecJs') return undefined;
        if (isSchema(x)) return `schema '${x.name}'`;
        if (x instanceof Uint8Array) return `Uint8Array(${Buffer.from(x).toString('hex')})`;
        if (typeof x === 'bigint') return `${x}n`;
        if (x === undefined) return 'undefined';
        if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
        if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${Array.from(x as Uint8Array).join(',')})`;
        return x;
      }) ?? String(v);
  } catch {
    text = Object.prototype.toString.call(v);
  }
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

// ---------------------------------------------------------------------------------------------------------
// Running decoders

/**
 * Calls `decode` on every input and times each call; a throw that `isTyped` accepts is a typed rejection, any
 * other is an exception.
 */
function runTimed<I>(
  tally: Tally,
  inputs: readonly I[],
  decode: (input: I) => unknown,
  isTyped: (err: unknown) => boolean,
): void {
  for (const input of inputs) {
    const start = performance.now();
    try {
      countResult(tally, decode(input));
    } catch (err) {
      if (isTyped(err)) tally.typedRejections = (tally.typedRejections ?? 0) + 1;
      else recordException(tally, input, err);
    }
    recordTime(tally, performance.now() - start);
  }
  tally.inputs += inputs.length;
}

function countResult(tally: Tally, result: unknown): void {
  const r = result as { data?: unknown; errors?: unknown[] };
  if (r.data !== undefined) tally.withData++;
  if (r.errors !== undefined && r.errors.length > 0) tally.withErrors++;
}

function recordException(tally: Tally, input: unknown, err: unknown): void {
  tally.exceptions++;
  if (tally.samples.length < SAMPLES)
    tally.samples.push({
      input: show(input),
      error: err instanceof Error ? `${err.name}: ${err.message}` : show(err),
    });
}

function recordTime(tally: Tally, ms: number): void {
  if (ms > tally.slowestMs) tally.slowestMs = ms;
  if (ms > HANG_MS) tally.hangs++;
}

const neverTyped = (): boolean => false;
const isMurmurError = (err: unknown): boolean => err instanceof MurmurError;

/** Runs batches from `batchOf` through `decode` until the decoder has had its inputs, with progress on stderr. */
function fuzz<I>(
  label: string,
  batchOf: () => I[],
  decode: (input: I) => unknown,
  isTyped: (err: unknown) => boolean,
): Tally {
  const tally = newTally(label, isTyped === neverTyped ? {} : { typedRejections: 0 });
  const progress = createProgress({ total: INPUTS_PER_DECODER, label: `fuzz ${label}`, unit: 'inputs' });
  const start = performance.now();
  while (tally.inputs < INPUTS_PER_DECODER) {
    runTimed(tally, batchOf(), decode, isTyped);
    progress.update(tally.inputs, `${tally.exceptions} exceptions, ${tally.hangs} hangs`);
  }
  return finish(tally, start, progress);
}

function finish(tally: Tally, start: number, progress: { done(note?: string): void }): Tally {
  tally.seconds = Number(((performance.now() - start) / 1000).toFixed(1));
  tally.slowestMs = Number(tally.slowestMs.toFixed(3));
  const disagree = tally.disagreements === undefined ? '' : `, ${tally.disagreements} disagreements`;
  progress.done(`${tally.exceptions} exceptions, ${tally.hangs} hangs${disagree}, ${tally.seconds} s`);
  return tally;
}

// ---------------------------------------------------------------------------------------------------------
// Bit-packed payloads: decode and the codec JS

/** One message a codec decodes: an uplink (decodeUplink) or a downlink (decodeDownlink) of an app schema. */
interface Message {
  /** The schema of the message itself (the downlink schema for a downlink). */
  schema: PayloadSchema;
  decode: (bytes: unknown, fPort: unknown) => DecodeResult;
  codecFunction: 'decodeUplink' | 'decodeDownlink';
  codecJs: string;
}

function messagesOf(payload: Payload, schemas: PayloadSchema[]): Message[] {
  return schemas.flatMap((s) => {
    const codecJs = payload.generateCodecJs(s);
    const up: Message = {
      schema: s,
      decode: (b, p) => payload.decode(s, b as never, p as never),
      codecFunction: 'decodeUplink',
      codecJs,
    };
    if (!s.downlink) return [up];
    const down: Message = {
      schema: s.downlink,
      decode: (b, p) => payload.decodeDownlink(s, b as never, p as never),
      codecFunction: 'decodeDownlink',
      codecJs,
    };
    return [up, down];
  });
}

/** The packed bytes of a random valid value of a schema. */
function validPacked(rng: Rng, payload: Payload, schema: PayloadSchema): Uint8Array {
  return payload.encode(schema, randomValue(rng, payload, schema) as never);
}

function randomValue(rng: Rng, payload: Payload, schema: PayloadSchema): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const slot of payload.planOf(schema).slots) {
    const one = (): unknown => payload.rawToValue(slot, rng.int(0, slot.rawMax));
    value[slot.name] = slot.length ? Array.from({ length: slot.length }, one) : one();
  }
  return value;
}

function truncated(rng: Rng, bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, rng.int(0, Math.max(0, bytes.length - 1)));
}

function bitFlipped(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return out;
  for (let n = rng.int(1, 3); n > 0; n--) out[rng.int(0, out.length - 1)]! ^= 1 << rng.int(0, 7);
  return out;
}

const TYPED_ARRAYS = [
  Float64Array,
  Float32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8ClampedArray,
  Int32Array,
];
const NOT_BYTE_ARRAYS: unknown[] = [
  null,
  undefined,
  42,
  'abc',
  true,
  5n,
  {},
  { '0': 1, '1': 2 },
  { length: -1 },
  { length: 1.5 },
  { length: 1e9 },
  { length: '5' },
  new Map([[0, 1]]),
];

/** A non-byte value: out of range, fractional, huge, not a number. */
function nonByte(rng: Rng): unknown {
  if (chance(rng, 0.3)) return anyValue(rng);
  const v = randomNumber(rng);
  return Number.isInteger(v) && v >= 0 && v <= 255 ? v + 256 : v;
}

/** Hostile `bytes` for a message: every kind the decoders must survive. */
function hostileBytes(rng: Rng, payload: Payload, schema: PayloadSchema): unknown {
  const valid = (): Uint8Array => validPacked(rng, payload, schema);
  switch (rng.int(0, 10)) {
    case 0:
      return randomBytes(rng, rng.int(0, schema.size + 3));
    case 1:
      return Array.from(randomBytes(rng, schema.size));
    case 2:
      return valid();
    case 3:
      return truncated(rng, valid());
    case 4:
      return bitFlipped(rng, valid());
    case 5: {
      const out: unknown[] = Array.from(valid());
      out[rng.int(0, out.length - 1)] = nonByte(rng);
      return out;
    }
    case 6: {
      const out: unknown[] = Array.from(valid());
      delete out[rng.int(0, out.length - 1)];
      return out;
    }
    case 7: {
      const out = pick(rng, TYPED_ARRAYS).from(valid());
      if (chance(rng, 0.5)) out[rng.int(0, out.length - 1)] = randomNumber(rng);
      return out;
    }
    case 8:
      return chance(rng, 0.5) ? pick(rng, NOT_BYTE_ARRAYS) : anyValue(rng);
    case 9:
      return new Uint8Array([...valid(), ...randomBytes(rng, rng.int(1, 4))]);
    default:
      return Array.from(valid());
  }
}

function hostileFPort(rng: Rng, schema: PayloadSchema): unknown {
  const r = rng.next();
  if (r < 0.85) return schema.fPort;
  if (r < 0.95) return rng.int(0, 255);
  return pick(rng, [14.5, NaN, '14', null, undefined, 10n, -0, 1e300]);
}

interface BytesInput {
  message: Message;
  bytes: unknown;
  fPort: unknown;
}

/** A batch of hostile inputs for one message (batches go round the messages). */
function bytesBatchSource(rng: Rng, payload: Payload, messages: Message[]): () => BytesInput[] {
  let next = 0;
  return () => {
    const message = messages[next++ % messages.length]!;
    return Array.from({ length: BATCH }, () => ({
      message,
      bytes: hostileBytes(rng, payload, message.schema),
      fPort: hostileFPort(rng, message.schema),
    }));
  };
}

function fuzzDecode(payload: Payload, messages: Message[]): Tally {
  const batchOf = bytesBatchSource(createRng(SEED).fork('bytes'), payload, messages);
  return fuzz('decode', batchOf, (i) => i.message.decode(i.bytes, i.fPort), neverTyped);
}

/** Runs a whole batch through a codec function inside its vm context, timing each call with Date.now. */
const CODEC_LOOP = new vm.Script(`
(function (inputs, decodeFn) {
  var out = [];
  var slowest = 0;
  var hangs = 0;
  var thrown = [];
  for (var i = 0; i < inputs.length; i++) {
    var start = Date.now();
    try {
      out.push(JSON.stringify(decodeFn(inputs[i])));
    } catch (e) {
      out.push(undefined);
      thrown.push({ index: i, error: String(e && e.message) });
    }
    var ms = Date.now() - start;
    if (ms > slowest) slowest = ms;
    if (ms > ${HANG_MS}) hangs++;
  }
  return { out: out, slowest: slowest, hangs: hangs, thrown: thrown };
})(__inputs, this[__decodeFn]);
`);

interface CodecRun {
  out: (string | undefined)[];
  slowest: number;
  hangs: number;
  thrown: { index: number; error: string }[];
}

/** Runs one batch through the codec of its message and compares every result with the TS decoder's. */
function codecBatch(tally: Tally, contexts: Map<string, vm.Context>, batch: BytesInput[]): void {
  const { message } = batch[0]!;
  const ctx = contexts.get(message.codecJs)!;
  ctx.__inputs = batch.map((i) => ({ bytes: i.bytes, fPort: i.fPort, recvTime: '2026-05-01T10:00:00Z' }));
  ctx.__decodeFn = message.codecFunction;
  let run: CodecRun;
  try {
    run = CODEC_LOOP.runInContext(ctx, { timeout: CODEC_BATCH_TIMEOUT_MS }) as CodecRun;
  } catch (err) {
    tally.hangs++;
    recordException(tally, `a batch of ${batch.length} ${message.codecFunction} inputs`, err);
    tally.inputs += batch.length;
    return;
  }
  for (const t of run.thrown) recordException(tally, batch[t.index]!.bytes, new Error(t.error));
  tally.hangs += run.hangs;
  tally.slowestMs = Math.max(tally.slowestMs, run.slowest);
  batch.forEach((input, i) => compareWithTs(tally, input, run.out[i]));
  tally.inputs += batch.length;
}

function compareWithTs(tally: Tally, input: BytesInput, codec: string | undefined): void {
  const ts = JSON.stringify(input.message.decode(input.bytes, input.fPort));
  if (codec !== undefined) countResult(tally, JSON.parse(codec));
  if (codec === ts) return;
  tally.disagreements!++;
  if (tally.samples.length < SAMPLES)
    tally.samples.push({
      input: show({ bytes: input.bytes, fPort: input.fPort }),
      ts,
      codec: codec ?? 'threw',
    });
}

/** The codec JS of every message in one vm context per codec file, fed the same inputs as `decode`. */
function fuzzCodec(payload: Payload, messages: Message[]): Tally {
  const contexts = new Map<string, vm.Context>();
  for (const m of messages) {
    if (contexts.has(m.codecJs)) continue;
    const ctx = vm.createContext({});
    vm.runInContext(m.codecJs, ctx);
    contexts.set(m.codecJs, ctx);
  }
  const batchOf = bytesBatchSource(createRng(SEED).fork('bytes'), payload, messages);
  const tally = newTally('codec JS decodeUplink/decodeDownlink (node:vm)', { disagreements: 0 });
  const progress = createProgress({ total: INPUTS_PER_DECODER, label: 'fuzz codec JS', unit: 'inputs' });
  const start = performance.now();
  while (tally.inputs < INPUTS_PER_DECODER) {
    codecBatch(tally, contexts, batchOf());
    progress.update(tally.inputs, `${tally.exceptions} exceptions, ${tally.disagreements} disagreements`);
  }
  return finish(tally, start, progress);
}

// ---------------------------------------------------------------------------------------------------------
// CBOR bodies: decodeCborCompact, decodeSenml, fromNbiotDatagram

/** Raw CBOR items that decoders of CBOR meet in the wild or in attacks. */
const RAW_CBOR_ITEMS = [
  '1bffffffffffffffff', // 2^64 - 1 in a 64-bit head
  '3bffffffffffffffff', // -2^64
  '1b0000000000000005', // 5 in a 64-bit head
  'c249010000000000000000', // bignum 2^64
  'c34a0fffffffffffffffffff', // negative bignum
  'c240', // empty bignum
  'fb7ff8000000000000', // NaN
  'fb7ff0000000000000', // Infinity
  'f97e00', // half-precision NaN
  'fa47c35000', // float32 100000
  'f7', // undefined
  'd81c81d81d00', // a shared array holding itself
  'd9010283010203', // a Set
  'c11a5f000000', // an epoch date
  'd81b83665265674578706628612b292b2460', // RegExp('(a+)+$')
  'd81b82654572726f726178', // Error('x')
  'd8454401000200', // Uint16Array
  '5f41014102ff', // indefinite byte string
  '9f0102ff', // indefinite array
  'bf0102ff', // indefinite map
  'd9d9f701', // self-described CBOR
  'c4822119ffff', // decimal fraction
].map((hex) => Uint8Array.from(Buffer.from(hex, 'hex')));

/** Values cbor-x writes as items a schema does not expect. */
function cborJunk(rng: Rng): unknown {
  if (chance(rng, 0.3))
    return pick(rng, [
      2n ** 64n - 1n,
      2n ** 64n,
      -(2n ** 70n),
      5n,
      new Date(0),
      new Set([1]),
      new Uint16Array([1]),
    ]);
  return anyValue(rng);
}

interface CborContext {
  payload: Payload;
  cbor: Encoder;
  schemas: PayloadSchema[];
}

const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

/** A valid compact array with item `k` replaced by raw CBOR bytes. */
function compactWithRawItem(rng: Rng, c: CborContext, schema: PayloadSchema): Uint8Array {
  const items = c.cbor.decode(
    c.payload.encodeCborCompact(schema, randomValue(rng, c.payload, schema) as never),
  );
  const parts = (items as unknown[]).map((item) => c.cbor.encode(item) as Uint8Array);
  parts[rng.int(0, parts.length - 1)] = pick(rng, RAW_CBOR_ITEMS);
  return concat([Uint8Array.of(0x80 + parts.length), ...parts]);
}

function compactWithJunk(rng: Rng, c: CborContext, schema: PayloadSchema): Uint8Array {
  const items = c.cbor.decode(
    c.payload.encodeCborCompact(schema, randomValue(rng, c.payload, schema) as never),
  );
  (items as unknown[])[rng.int(0, (items as unknown[]).length - 1)] = cborJunk(rng);
  return c.cbor.encode(items);
}

function senmlWithJunk(rng: Rng, c: CborContext, schema: PayloadSchema): Uint8Array {
  const records = c.cbor.decode(c.payload.encodeSenml(schema, randomValue(rng, c.payload, schema) as never));
  const list = records as Map<number, unknown>[];
  const record = list[rng.int(0, list.length - 1)]!;
  const label = pick(rng, [-3, -2, 0, 1, 2, 3, 4, 5, 99]);
  if (chance(rng, 0.2)) record.delete(label);
  else record.set(label, chance(rng, 0.5) ? cborJunk(rng) : randomNumber(rng));
  if (chance(rng, 0.1)) list.push(record);
  return c.cbor.encode(list);
}

function validCbor(rng: Rng, c: CborContext, schema: PayloadSchema): Uint8Array {
  const value = randomValue(rng, c.payload, schema) as never;
  return chance(rng, 0.5) ? c.payload.encodeCborCompact(schema, value) : c.payload.encodeSenml(schema, value);
}

/** A hostile CBOR body for a schema. */
function hostileCbor(rng: Rng, c: CborContext, schema: PayloadSchema): Uint8Array {
  switch (rng.int(0, 8)) {
    case 0:
      return randomBytes(rng, rng.int(0, 40));
    case 1:
      return validCbor(rng, c, schema);
    case 2:
      return truncated(rng, validCbor(rng, c, schema));
    case 3:
      return bitFlipped(rng, validCbor(rng, c, schema));
    case 4:
      return compactWithJunk(rng, c, schema);
    case 5:
      return compactWithRawItem(rng, c, schema);
    case 6:
      return senmlWithJunk(rng, c, schema);
    case 7:
      return randomBytes(rng, rng.int(200, 3000));
    default:
      return concat([validCbor(rng, c, schema), randomBytes(rng, rng.int(1, 8))]);
  }
}

interface CborInput {
  schema: PayloadSchema;
  body: Uint8Array;
}

function cborBatchSource(rng: Rng, c: CborContext): () => CborInput[] {
  return () =>
    Array.from({ length: BATCH }, () => {
      const schema = pick(rng, c.schemas);
      const body: unknown = chance(rng, 0.01) ? pick(rng, NOT_BYTE_ARRAYS) : hostileCbor(rng, c, schema);
      return { schema, body: body as Uint8Array };
    });
}

// ---------------------------------------------------------------------------------------------------------
// JSON messages: The Things Stack and ChirpStack

function ttsMessage(rng: Rng, frmPayload: string, fPort: number): Record<string, unknown> {
  return {
    end_device_ids: {
      device_id: 'dev-1',
      application_ids: { application_id: 'murmur' },
      dev_eui: '70B3D57ED0000001',
      dev_addr: '260B1234',
    },
    correlation_ids: ['as:up:01HZ'],
    received_at: '2026-05-01T10:00:00.123Z',
    uplink_message: {
      f_port: fPort,
      f_cnt: rng.int(0, 100_000),
      frm_payload: frmPayload,
      rx_metadata: [
        {
          gateway_ids: { gateway_id: 'gw-a', eui: 'B827EBFFFE000001' },
          rssi: -97,
          channel_rssi: -97,
          snr: 4.5,
        },
        { gateway_ids: { gateway_id: 'gw-b' }, rssi: -88, channel_rssi: -88 },
      ],
      settings: {
        data_rate: { lora: { bandwidth: 125000, spreading_factor: rng.int(7, 12), coding_rate: '4/5' } },
        frequency: '868100000',
      },
      received_at: '2026-05-01T10:00:00.100Z',
      consumed_airtime: '0.164864s',
    },
  };
}

function chirpstackEvent(rng: Rng, data: string, fPort: number): Record<string, unknown> {
  return {
    deduplicationId: '3b1b9f2a-6f0d-4c3e-9d0a-2d3c4b5a6e7f',
    time: '2026-05-01T10:00:00.123Z',
    deviceInfo: {
      tenantId: 't',
      applicationId: 'a',
      applicationName: 'murmur',
      deviceName: 'dev-1',
      devEui: '70b3d57ed0000001',
    },
    devAddr: '260b1234',
    adr: true,
    dr: 3,
    fCnt: rng.int(0, 100_000),
    fPort,
    data,
    rxInfo: [
      { gatewayId: '0016c001ff10a235', uplinkId: 1, rssi: -97, snr: 4.5, crcStatus: 'CRC_OK' },
      { gatewayId: '0016c001ff10a236', uplinkId: 2, rssi: -88, crcStatus: 'CRC_OK' },
    ],
    txInfo: {
      frequency: 868100000,
      modulation: { lora: { bandwidth: 125000, spreadingFactor: rng.int(7, 12), codeRate: 'CR_4_5' } },
    },
  };
}

/** Every (container, key) of a JSON document, for mutation. */
function slotsOf(root: unknown): [Record<string, unknown>, string][] {
  const out: [Record<string, unknown>, string][] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      out.push([node as Record<string, unknown>, key]);
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return out;
}

/** Replaces, deletes or adds one value somewhere in a JSON document. */
function mutateJson(rng: Rng, root: Record<string, unknown>): void {
  const slots = slotsOf(root);
  const [container, key] = pick(rng, slots);
  switch (rng.int(0, 3)) {
    case 0:
      delete container[key];
      break;
    case 1:
      container[randomText(rng, 4)] = jsonValue(rng);
      break;
    default:
      container[key] = jsonValue(rng);
  }
}

/** The payload a message carries, base64: valid, random, truncated, flipped, long, or not base64 at all. */
function frmPayload(rng: Rng, payload: Payload, schema: PayloadSchema): string {
  const r = rng.next();
  if (r < 0.05) return randomText(rng, rng.int(0, 20));
  const bytes =
    r < 0.5
      ? validPacked(rng, payload, schema)
      : r < 0.7
        ? bitFlipped(rng, validPacked(rng, payload, schema))
        : r < 0.8
          ? truncated(rng, validPacked(rng, payload, schema))
          : randomBytes(rng, rng.int(0, r < 0.95 ? 16 : 400));
  return Buffer.from(bytes).toString('base64');
}

/** A JSON message as the functions may receive it: a parsed object, its text (maybe corrupted) or its bytes. */
function deliveredForm(rng: Rng, doc: unknown): unknown {
  const r = rng.next();
  if (r < 0.4) return doc;
  const text = JSON.stringify(doc);
  if (r < 0.75) return text;
  if (r < 0.85) return Buffer.from(text, 'utf8');
  if (r < 0.998) return corruptedText(rng, text);
  return pick(rng, ['['.repeat(100_000), `{"a":"${'x'.repeat(70_000)}"}`, '', 'null', '42']);
}

function corruptedText(rng: Rng, text: string): string {
  const at = rng.int(0, text.length);
  switch (rng.int(0, 2)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + randomText(rng, rng.int(1, 3)) + text.slice(at + 1);
    default:
      return text.slice(0, at) + text.slice(at, at + rng.int(1, 40)).repeat(2) + text.slice(at);
  }
}

interface JsonInput {
  message: unknown;
  schema: PayloadSchema | undefined;
}

function jsonBatchSource(
  rng: Rng,
  payload: Payload,
  schemas: PayloadSchema[],
  build: (rng: Rng, data: string, fPort: number) => Record<string, unknown>,
): () => JsonInput[] {
  return () =>
    Array.from({ length: BATCH }, () => {
      const schema = pick(rng, schemas);
      const doc = build(
        rng,
        frmPayload(rng, payload, schema),
        chance(rng, 0.9) ? schema.fPort : rng.int(0, 255),
      );
      for (let n = rng.int(0, 3); n > 0; n--) mutateJson(rng, doc);
      return { message: deliveredForm(rng, doc), schema: chance(rng, 0.95) ? schema : undefined };
    });
}

// ---------------------------------------------------------------------------------------------------------
// Raw PHYPayloads

const SESSION = {
  nwkSKey: '2b7e151628aed2a6abf7158809cf4f3c',
  appSKey: '000102030405060708090a0b0c0d0e0f',
  devEui: '70b3d57ed0000001',
};
const DEV_ADDR = '260b1234';

interface Frame {
  phy: Uint8Array;
  fCnt: number;
  schema: PayloadSchema;
}

/** Valid frames (right MIC) of random counters, ports and payloads, built once: AES is the costly part. */
function framePool(rng: Rng, payload: Payload, lpwan: Lpwan, schemas: PayloadSchema[]): Frame[] {
  return Array.from({ length: 2000 }, () => {
    const schema = pick(rng, schemas);
    const fCnt = rng.int(0, 2 ** 20);
    const fPort = chance(rng, 0.8) ? schema.fPort : rng.int(1, 223);
    const bytes = chance(rng, 0.7) ? validPacked(rng, payload, schema) : randomBytes(rng, rng.int(0, 60));
    const frame = { devAddr: DEV_ADDR, fCnt, fPort, payload: bytes, confirmed: chance(rng, 0.3) };
    return { phy: lpwan.buildPhyPayload(frame, SESSION), fCnt, schema };
  });
}

/** A frame mutated in the ways radios and attackers mangle them. */
function hostileFrame(rng: Rng, frame: Frame): unknown {
  const phy = frame.phy;
  switch (rng.int(0, 8)) {
    case 0:
    case 1:
      return phy;
    case 2:
      return truncated(rng, phy);
    case 3:
      return bitFlipped(rng, phy);
    case 4: {
      const out = phy.slice();
      out[pick(rng, [0, 5, 6, 7, 8, rng.int(0, out.length - 1)])] = rng.int(0, 255);
      return out;
    }
    case 5:
      return concat([phy, randomBytes(rng, rng.int(1, 300))]);
    case 6:
      return randomBytes(rng, rng.int(0, 80));
    case 7:
      return chance(rng, 0.5) ? Buffer.from(phy).toString('hex') : randomText(rng, rng.int(0, 40));
    default:
      return anyValue(rng);
  }
}

interface PhyInput {
  phy: unknown;
  opts: { lastFCnt?: unknown; schema?: PayloadSchema; receivedAt?: unknown };
  devAddr?: string;
}

function lastFCntFor(rng: Rng, fCnt: number): unknown {
  const r = rng.next();
  if (r < 0.3) return undefined;
  if (r < 0.7) return Math.max(0, fCnt - rng.int(1, 3));
  if (r < 0.9) return rng.int(0, 2 ** 21);
  return pick(rng, [-1, 1.5, 2 ** 40, NaN, '5', null]);
}

function phyBatchSource(rng: Rng, frames: Frame[]): () => PhyInput[] {
  return () =>
    Array.from({ length: BATCH }, () => {
      const frame = pick(rng, frames);
      const opts: PhyInput['opts'] = { lastFCnt: lastFCntFor(rng, frame.fCnt) };
      if (chance(rng, 0.9)) opts.schema = frame.schema;
      if (chance(rng, 0.05)) opts.receivedAt = jsonValue(rng);
      return { phy: hostileFrame(rng, frame), opts, ...(chance(rng, 0.5) ? { devAddr: DEV_ADDR } : {}) };
    });
}

// ---------------------------------------------------------------------------------------------------------

function nbiotMeta(rng: Rng): unknown {
  const meta: Record<string, unknown> = {
    devEui: '70b3d57ed0000001',
    fCnt: rng.int(0, 100_000),
    receivedAt: '2026-05-01T10:00:00Z',
  };
  if (chance(rng, 0.05)) meta[pick(rng, ['devEui', 'fCnt', 'receivedAt'])] = jsonValue(rng);
  return chance(rng, 0.01) ? anyValue(rng) : meta;
}

function summaryOf(tallies: Tally[], seconds: number): Record<string, unknown> {
  const sum = (key: 'inputs' | 'exceptions' | 'hangs' | 'disagreements'): number =>
    tallies.reduce((n, t) => n + (t[key] ?? 0), 0);
  const exceptions = sum('exceptions');
  const hangs = sum('hangs');
  const disagreements = sum('disagreements');
  return {
    decoders: tallies.length,
    inputs: sum('inputs'),
    exceptions,
    hangs,
    disagreements,
    allZero: exceptions === 0 && hangs === 0 && disagreements === 0,
    minInputsPerDecoder: Math.min(...tallies.map((t) => t.inputs)),
    seconds: Number(seconds.toFixed(1)),
  };
}

export const suite: BenchSuite = {
  name: 'fuzz',
  description:
    'a million seeded hostile inputs per decoder (payload decode, codec JS, CBOR, SenML; lpwan TTS, ChirpStack, NB-IoT, PHYPayload): exceptions, hangs, codec/TS disagreements',
  async run() {
    const payload = await import('@murmur/payload');
    const lpwan = await import('@murmur/lpwan');
    const fixtures = await import('@murmur/payload/fixtures');
    const { Encoder } = await import('cbor-x');
    const schemas = (Object.values(fixtures) as unknown[]).filter(isSchema);
    const start = performance.now();
    const root = createRng(SEED);
    const messages = messagesOf(payload, schemas);
    const c: CborContext = {
      payload,
      cbor: new Encoder({ useRecords: false, variableMapSize: true, mapsAsObjects: false }),
      schemas,
    };
    const tallies: Tally[] = [fuzzDecode(payload, messages), fuzzCodec(payload, messages)];
    tallies.push(
      fuzz(
        'decodeCborCompact',
        cborBatchSource(root.fork('compact'), c),
        (i) => payload.decodeCborCompact(i.schema, i.body),
        neverTyped,
      ),
      fuzz(
        'decodeSenml',
        cborBatchSource(root.fork('senml'), c),
        (i) => payload.decodeSenml(i.schema, i.body),
        neverTyped,
      ),
    );
    const ttsBatches = jsonBatchSource(root.fork('tts'), payload, schemas, ttsMessage);
    tallies.push(
      fuzz('lpwan fromTtsUplink', ttsBatches, (i) => lpwan.fromTtsUplink(i.message, i.schema), isMurmurError),
    );
    const csBatches = jsonBatchSource(root.fork('chirpstack'), payload, schemas, chirpstackEvent);
    tallies.push(
      fuzz(
        'lpwan fromChirpstackUp',
        csBatches,
        (i) => lpwan.fromChirpstackUp(i.message, i.schema),
        isMurmurError,
      ),
    );
    const nbiotRng = root.fork('nbiot');
    const cborBodies = cborBatchSource(nbiotRng, c);
    const nbiotBatches = () => cborBodies().map((i) => ({ ...i, meta: nbiotMeta(nbiotRng) }));
    tallies.push(
      fuzz(
        'lpwan fromNbiotDatagram',
        nbiotBatches,
        (i) => lpwan.fromNbiotDatagram(i.body, i.meta as never, i.schema),
        isMurmurError,
      ),
    );
    const phyRng = root.fork('phy');
    const frames = framePool(phyRng, payload, lpwan, schemas);
    tallies.push(
      fuzz(
        'lpwan fromPhyPayload',
        phyBatchSource(phyRng, frames),
        (i) =>
          lpwan.fromPhyPayload(
            i.phy as never,
            { ...SESSION, ...(i.devAddr ? { devAddr: i.devAddr } : {}) },
            i.opts as never,
          ),
        isMurmurError,
      ),
    );
    return {
      method:
        `${INPUTS_PER_DECODER} seeded inputs per decoder (seed ${SEED}, batches of ${BATCH}); a hang is an input taking over ` +
        `${HANG_MS} ms (performance.now per call; Date.now per call inside the codec's vm context, whose batches also ` +
        `run under a ${CODEC_BATCH_TIMEOUT_MS} ms vm timeout); for lpwan a thrown MurmurError is the typed rejection, any ` +
        'other throw an exception; codec JS results are JSON-compared with the TS decoder on the same inputs',
      schemas: schemas.map((s) => s.name),
      summary: summaryOf(tallies, (performance.now() - start) / 1000),
      decoders: tallies,
    };
  },
};
