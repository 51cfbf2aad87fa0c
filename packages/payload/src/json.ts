/**
 * The JSON form of a payload schema (fields as an ordered list), validated with zod; errors name the
 * file and the path of the bad field (`fields[3].scale`).
 */
import { z } from 'zod';
import { MurmurError, fieldPath } from '@murmur/core';
import {
  definePayload,
  type Field,
  type Fields,
  type PayloadSchema,
  type PayloadSchemaDef,
  type ScalarField,
} from './schema';

const numeric = {
  saturate: z.boolean().optional(),
  unit: z.string().optional(),
  description: z.string().optional(),
};
const scalarShapes = [
  {
    type: z.literal('enum'),
    values: z.array(z.string()).min(1),
    bits: z.number().int().optional(),
    description: z.string().optional(),
  },
  { type: z.literal('bool'), bits: z.literal(1).optional(), description: z.string().optional() },
  { type: z.literal('uint'), bits: z.number().int(), max: z.number().int().optional(), ...numeric },
  { type: z.literal('int'), bits: z.number().int(), ...numeric },
  {
    type: z.literal('fixed'),
    bits: z.number().int(),
    scale: z.number(),
    offset: z.number().optional(),
    ...numeric,
  },
  { type: z.literal('unorm'), bits: z.number().int(), ...numeric },
] as const;
const [enumShape, boolShape, uintShape, intShape, fixedShape, unormShape] = scalarShapes;
const scalarJson = z.discriminatedUnion('type', [
  z.strictObject(enumShape),
  z.strictObject(boolShape),
  z.strictObject(uintShape),
  z.strictObject(intShape),
  z.strictObject(fixedShape),
  z.strictObject(unormShape),
]);
const name = { name: z.string() };
const fieldJson = z.discriminatedUnion('type', [
  z.strictObject({ ...name, ...enumShape }),
  z.strictObject({ ...name, ...boolShape }),
  z.strictObject({ ...name, ...uintShape }),
  z.strictObject({ ...name, ...intShape }),
  z.strictObject({ ...name, ...fixedShape }),
  z.strictObject({ ...name, ...unormShape }),
  z.strictObject({
    ...name,
    type: z.literal('array'),
    length: z.number().int(),
    of: scalarJson,
    description: z.string().optional(),
  }),
]);
const messageJson = z.strictObject({
  name: z.string(),
  fPort: z.number().int(),
  version: z.number().int(),
  versionBits: z.number().int().optional(),
  description: z.string().optional(),
  fields: z.array(fieldJson).min(1),
});
const schemaJson = messageJson.extend({ downlink: messageJson.optional() });

export type PayloadSchemaJson = z.infer<typeof schemaJson>;
type ScalarJson = z.infer<typeof scalarJson>;
type FieldJson = z.infer<typeof fieldJson>;

function scalarFromJson(j: ScalarJson): ScalarField {
  const { type, ...rest } = j;
  if (type === 'enum') {
    const { values, bits, description } = j;
    return {
      kind: 'enum',
      values,
      bits: bits ?? Math.max(1, Math.ceil(Math.log2(values.length))),
      ...(description === undefined ? {} : { description }),
    };
  }
  if (type === 'bool') return { ...(rest as object), kind: 'bool', bits: 1 };
  if (type === 'fixed') return { ...j, kind: 'fixed', offset: j.offset ?? 0 } as ScalarField;
  return { ...rest, kind: type } as ScalarField;
}

function fieldFromJson(j: FieldJson): [string, Field] {
  if (j.type === 'array') {
    const { name, length, of, description } = j;
    return [
      name,
      {
        kind: 'array',
        length,
        of: scalarFromJson(of),
        ...(description === undefined ? {} : { description }),
      },
    ];
  }
  const { name, ...scalar } = j;
  return [name, scalarFromJson(scalar as ScalarJson)];
}

function scalarToJson(f: ScalarField): ScalarJson {
  const { kind, ...rest } = f;
  return { type: kind, ...rest } as ScalarJson;
}

function messageToJson(s: PayloadSchema): z.infer<typeof messageJson> {
  return {
    name: s.name,
    fPort: s.fPort,
    version: s.version,
    versionBits: s.versionBits,
    ...(s.description === undefined ? {} : { description: s.description }),
    fields: Object.entries(s.fields).map(([name, f]): FieldJson => {
      if (f.kind === 'array') {
        return {
          name,
          type: 'array',
          length: f.length,
          of: scalarToJson(f.of),
          ...(f.description === undefined ? {} : { description: f.description }),
        };
      }
      return { name, ...scalarToJson(f) } as FieldJson;
    }),
  };
}

/** The JSON form of a schema (fields in packing order). */
export function schemaToJson(schema: PayloadSchema): PayloadSchemaJson {
  return {
    ...messageToJson(schema),
    ...(schema.downlink ? { downlink: messageToJson(schema.downlink) } : {}),
  };
}

function defFromJson(j: z.infer<typeof messageJson>): PayloadSchemaDef {
  const fields: Fields = {};
  for (const f of j.fields) {
    const [name, field] = fieldFromJson(f);
    fields[name] = field;
  }
  return {
    name: j.name,
    fPort: j.fPort,
    version: j.version,
    ...(j.versionBits === undefined ? {} : { versionBits: j.versionBits }),
    ...(j.description === undefined ? {} : { description: j.description }),
    fields,
  };
}

/**
 * Validates the JSON form of a schema and returns the checked schema. Throws MurmurError naming `file`
 * and the path of the first bad field.
 */
export function schemaFromJson(json: unknown, file?: string): PayloadSchema {
  const parsed = schemaJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MurmurError(issue.message, {
      ...(file === undefined ? {} : { file }),
      field: fieldPath(issue.path),
    });
  }
  try {
    return definePayload(
      defFromJson(parsed.data),
      parsed.data.downlink ? defFromJson(parsed.data.downlink) : undefined,
    );
  } catch (err) {
    if (err instanceof MurmurError && file !== undefined)
      throw new MurmurError(err.message, { file }, { cause: err });
    throw err;
  }
}
