/** The OpenAPI 3.1 document of the routes, made from their specs. */
import { murmurVersion } from '@murmur/core';
import type { RouteSpec } from './routes';
import { componentSchemas } from './schemas';

/** `/v1/devices/:id` → `/v1/devices/{id}`. */
export function openapiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: RouteSpec): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.querystring],
  ] as const) {
    if (!schema) continue;
    for (const [name, s] of Object.entries(schema.properties)) {
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || (schema.required ?? []).includes(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  }
  return out;
}

const SECURITY_SCHEMES: Record<string, Record<string, unknown>> = {
  tts: {
    type: 'http',
    scheme: 'bearer',
    description:
      "The TTS integration's secret (Authorization: Bearer, or the header the config names). Without one, loopback clients only.",
  },
  chirpstack: {
    type: 'http',
    scheme: 'bearer',
    description: "The ChirpStack integration's secret. Without one, loopback clients only.",
  },
  api: {
    type: 'http',
    scheme: 'bearer',
    description: 'The read API secret. Without one, loopback clients only.',
  },
};

export function openapiDocument(specs: RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = openapiPath(spec.url);
    const responses = Object.fromEntries(
      Object.entries(spec.responses).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.headers ? { headers: r.headers } : {}),
          ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
        },
      ]),
    );
    const params = parameters(spec);
    (paths[path] ??= {})[spec.method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      ...(params.length ? { parameters: params } : {}),
      ...(spec.requestBody
        ? {
            requestBody: {
              required: true,
              description: spec.requestBody.description,
              content: { [spec.requestBody.contentType]: { schema: spec.requestBody.schema } },
            },
          }
        : {}),
      security: spec.access === 'open' ? [] : [{ [spec.access]: [] }],
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Murmur uplink server',
      version: murmurVersion(),
      description:
        'Ingests The Things Stack and ChirpStack uplinks exactly once, decodes them with the app of each device, and serves them.',
    },
    paths,
    components: { schemas: componentSchemas, securitySchemes: SECURITY_SCHEMES },
  };
}
