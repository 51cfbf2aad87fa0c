import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the payload runtime every generated encoder calls (murmur_payload.h/.c). */
export const payloadRuntimeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'c');

/** The runtime's files, to copy beside a generated encoder (header first). */
export const payloadRuntimeFiles: readonly string[] = ['murmur_payload.h', 'murmur_payload.c'];

/** The runtime's C source, absolute path, to compile with a generated encoder. */
export const payloadRuntimeSource = join(payloadRuntimeDir, 'murmur_payload.c');
