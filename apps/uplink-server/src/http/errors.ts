/**
 * Every refusal is a JSON body `{ error, message, field?, file?, line?, offset? }`: a short code, a sentence,
 * and, for bad input, where the problem is (from MurmurError's location or the failed validation).
 */
import type { FastifyError, FastifyReply } from 'fastify';
import { MurmurError } from '@murmur/core';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  file?: string;
  line?: number;
  offset?: number;
}

/** The body for a MurmurError: its message, and its location's parts. */
export function murmurErrorBody(err: MurmurError): ErrorBody {
  const loc = err.location;
  return {
    error: 'bad_request',
    message: err.message,
    ...(loc.field === undefined ? {} : { field: loc.field }),
    ...(loc.file === undefined ? {} : { file: loc.file }),
    ...(loc.line === undefined ? {} : { line: loc.line }),
    ...(loc.offset === undefined ? {} : { offset: loc.offset }),
  };
}

/** Sends a refusal. */
export function refuse(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  extra: Partial<ErrorBody> = {},
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send({ error, message, ...extra } satisfies ErrorBody);
}

/** The field a Fastify validation error is about (`limit`, `id`). */
function validationField(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [path, missing].filter(Boolean).join('.') || undefined;
}

/** The answer for an error a handler threw or Fastify raised (parsing, validation, limits). */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof MurmurError) return { status: 400, body: murmurErrorBody(err) };
  const e = err as FastifyError;
  if (e.validation) {
    const field = validationField(e);
    return {
      status: 400,
      body: {
        error: 'bad_request',
        message: `${e.validationContext ?? 'request'} ${e.validation[0]?.message ?? 'is not valid'}`,
        ...(field === undefined ? {} : { field }),
      },
    };
  }
  const status =
    typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status === 413) return { status, body: { error: 'payload_too_large', message: e.message } };
  if (status === 415) return { status, body: { error: 'unsupported_media_type', message: e.message } };
  if (status < 500) return { status, body: { error: 'bad_request', message: e.message } };
  return { status, body: { error: 'internal', message: 'internal error; the server log has the details' } };
}
