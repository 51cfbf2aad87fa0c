export {
  definePayload,
  t,
  type Field,
  type PayloadSchemaDef,
  type PayloadSchema,
  type Infer,
  type InferDownlink,
} from './schema';
export { planOf, rawToValue, type Slot } from './plan';
export { encode, encodeDownlink, decode, decodeDownlink, toHex, fromHex, type DecodeResult } from './codec';
export { generateCodecJs } from './codegen-js';
export {
  cborCompactMaxSize,
  cborMaxBytes,
  CBOR_MAX_BYTES,
  encodeCborCompact,
  decodeCborCompact,
  encodeSenml,
  decodeSenml,
  type CborDecodeOptions,
} from './cbor';
export { generateC } from './codegen-c';
export { ttnCodecName, generateTtnRepoFiles, type PayloadExample } from './ttn-repo';
export { payloadRuntimeDir, payloadRuntimeFiles, payloadRuntimeSource } from './c-runtime';
