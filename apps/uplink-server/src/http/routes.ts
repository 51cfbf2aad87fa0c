/**
 * A route of the HTTP API: its handler and its description, from which both Fastify's validation (path and
 * query parameters) and the OpenAPI document are made, so the document cannot leave a route out.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SecretName } from '../config';

/** A JSON Schema object with named properties (path or query parameters). */
export interface ObjectSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
}

export interface ResponseSpec {
  description: string;
  /** Default application/json. */
  contentType?: string;
  /** A JSON Schema, or a `$ref` to a component. */
  schema?: Record<string, unknown>;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify's form: `/v1/devices/:id`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it: anyone, or the holders of a secret (loopback clients when it is not configured). */
  access: 'open' | SecretName;
  params?: ObjectSchema;
  querystring?: ObjectSchema;
  requestBody?: { description: string; contentType: string; schema: Record<string, unknown> };
  responses: Record<string, ResponseSpec>;
}

export interface Route {
  spec: RouteSpec;
  /** The request body as raw bytes (ingestion reads and bounds it itself). */
  rawBody?: boolean;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;
}

/** `{ $ref }` to a component schema. */
export const ref = (name: string): Record<string, unknown> => ({ $ref: `#/components/schemas/${name}` });

/** The `devEui` query parameter that narrows a listing to one device: an EUI-64 or an IMEI. */
export const devEuiFilter = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{16}$|^[0-9]{15}$',
  description: 'only this device',
};

/** The error answer, described once for every route. */
export const errorResponse = (description: string): ResponseSpec => ({ description, schema: ref('Error') });
