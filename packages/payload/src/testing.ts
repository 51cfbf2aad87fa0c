/**
 * Helpers for this package's tests (not exported from the package): random valid values of a schema and
 * a loader that runs a generated codec file in a fresh `node:vm` context holding nothing else.
 */
import vm from 'node:vm';
import fc from 'fast-check';
import { planOf, rawToValue } from './plan';
import type { PayloadSchema } from './schema';

/** Random valid decoded values of a schema: a raw code per element, mapped through the decoder. */
export function arbitraryValue(schema: PayloadSchema): fc.Arbitrary<Record<string, unknown>> {
  const entries = planOf(schema).slots.map((slot) => {
    const one = fc.integer({ min: 0, max: slot.rawMax }).map((raw) => rawToValue(slot, raw));
    return [
      slot.name,
      slot.length ? fc.array(one, { minLength: slot.length, maxLength: slot.length }) : one,
    ] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

/** Loads a codec file into a fresh context; returns a caller of its functions with plain-JSON in and out. */
export function loadCodec(code: string): (fn: string, input: unknown) => unknown {
  const ctx = vm.createContext({});
  vm.runInContext(code, ctx);
  return (fn, input) => {
    ctx.__input = JSON.parse(JSON.stringify(input));
    return JSON.parse(JSON.stringify(vm.runInContext(`${fn}(__input)`, ctx)));
  };
}
