/**
 * The ingestion webhooks: The Things Stack (`POST /v1/ingest/tts`) and ChirpStack's HTTP integration
 * (`POST /v1/ingest/chirpstack?event=...`). Each answers 2xx only once the uplink is committed, 4xx with the
 * field at fault for a message it will never store, and 503 with Retry-After when it cannot store one now.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MurmurError } from '@murmur/core';
import type { ServerContext } from '../context';
import type { IngestOutcome } from '../ingest';
import { chirpstackEvent, readChirpstackOther, readChirpstackUp } from '../networks/chirpstack';
import { readTtsUplink, type ReadMessage } from '../networks/tts';
import { QueueClosedError, QueueFullError } from '../queue';
import type { Network } from '../store';
import { murmurErrorBody, refuse } from './errors';
import { errorResponse, ref, type Route, type RouteSpec } from './routes';

const PROTOBUF = /^application\/(octet-stream|protobuf|x-protobuf)/i;

/** The raw body (none for a request without one). */
function bodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function ingestResponses(): RouteSpec['responses'] {
  return {
    '200': {
      description: 'Committed (stored), or a duplicate of an uplink already stored',
      schema: ref('IngestResult'),
    },
    '400': errorResponse('Not a valid message; `field` names what is wrong'),
    '401': errorResponse('Missing or wrong secret'),
    '403': errorResponse('No secret configured and the client is not on loopback'),
    '413': errorResponse('Body larger than the limit (refused from its Content-Length, unread)'),
    '415': errorResponse('Not JSON'),
    '503': {
      description: 'Queue full or shutting down: nothing was stored; retry after the Retry-After seconds',
      schema: ref('Error'),
      headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } },
    },
  };
}

function result(outcome: IngestOutcome): Record<string, unknown> {
  const u = outcome.uplink;
  return {
    status: outcome.status,
    ...(outcome.status === 'stored' ? { id: outcome.uplink.id } : {}),
    devEui: u.devEui,
    app: u.app,
    fPort: u.fPort,
    fCnt: u.fCnt,
    data: u.data,
    errors: u.errors,
    warnings: u.warnings,
  };
}

/** Ingests a read message and answers; the one place where ingestion outcomes become HTTP statuses. */
async function answer(
  ctx: ServerContext,
  network: Network,
  reply: FastifyReply,
  read: () => ReadMessage,
  headers?: IncomingHttpHeaders,
): Promise<FastifyReply> {
  const m = ctx.metrics;
  const retryAfter = String(ctx.config.queue.retryAfterSeconds);
  const rejected = (status: number): void => m.rejected.inc({ network, status: String(status) });
  if (ctx.stopping) {
    rejected(503);
    return refuse(
      reply.header('retry-after', retryAfter),
      503,
      'shutting_down',
      'the server is shutting down',
    );
  }
  try {
    const msg = read();
    const outcome = await ctx.ingestor.ingest(msg.received, msg.key);
    await ctx.downlinks.observe(msg.received, outcome, {
      transport: 'http',
      ...(headers ? { headers } : {}),
    });
    return reply.code(200).send(result(outcome));
  } catch (err) {
    if (err instanceof MurmurError) {
      rejected(400);
      return reply.code(400).send(murmurErrorBody(err));
    }
    reply.header('retry-after', retryAfter);
    if (err instanceof QueueFullError) {
      m.queueFull.inc();
      rejected(503);
      return refuse(reply, 503, 'overloaded', `${err.message}; retry later`);
    }
    if (err instanceof QueueClosedError) {
      rejected(503);
      return refuse(reply, 503, 'shutting_down', err.message);
    }
    // The store failed (connection lost, disk full): nothing is stored, so the network should retry.
    reply.log.error({ err }, 'commit failed');
    rejected(503);
    return refuse(reply, 503, 'store_unavailable', 'the uplink could not be stored; retry later');
  }
}

export function ingestRoutes(ctx: ServerContext): Route[] {
  const limits = { maxMessageBytes: ctx.config.bodyLimit };
  const tts: Route = {
    rawBody: true,
    spec: {
      method: 'POST',
      url: '/v1/ingest/tts',
      operationId: 'ingestTts',
      summary: 'The Things Stack v3 uplink webhook',
      description:
        'An uplink message of a TTS webhook (uplink messages enabled). Stored once per (dev_eui, session_key_id, f_cnt).',
      tags: ['ingest'],
      access: 'tts',
      requestBody: {
        description: 'TTS v3 uplink message (JSON)',
        contentType: 'application/json',
        schema: { type: 'object' },
      },
      responses: ingestResponses(),
    },
    handler: (req: FastifyRequest, reply: FastifyReply) =>
      answer(ctx, 'tts', reply, () => readTtsUplink(bodyOf(req), limits), req.headers),
  };
  const chirpstack: Route = {
    rawBody: true,
    spec: {
      method: 'POST',
      url: '/v1/ingest/chirpstack',
      operationId: 'ingestChirpstack',
      summary: 'ChirpStack v4 HTTP integration',
      description:
        'Every event of a ChirpStack HTTP integration (JSON encoding). `up` is stored once per deduplicationId; the other events are acknowledged and counted.',
      tags: ['ingest'],
      access: 'chirpstack',
      querystring: {
        type: 'object',
        properties: {
          event: {
            type: 'string',
            maxLength: 32,
            description: 'up, join, status, ack, txack, log, location, integration',
          },
        },
      },
      requestBody: {
        description: 'ChirpStack v4 integration event (JSON)',
        contentType: 'application/json',
        schema: { type: 'object' },
      },
      responses: { ...ingestResponses(), '204': { description: 'An event other than up, acknowledged' } },
    },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const body = bodyOf(req);
      if (PROTOBUF.test(req.headers['content-type'] ?? '')) {
        ctx.metrics.rejected.inc({ network: 'chirpstack', status: '415' });
        return refuse(
          reply,
          415,
          'unsupported_media_type',
          "protobuf events are not read: set the ChirpStack HTTP integration's payload encoding to JSON",
        );
      }
      let event: string;
      try {
        event = chirpstackEvent((req.query as { event?: unknown }).event);
        if (event !== 'up') readChirpstackOther(body, limits);
      } catch (err) {
        if (!(err instanceof MurmurError)) throw err;
        ctx.metrics.rejected.inc({ network: 'chirpstack', status: '400' });
        return reply.code(400).send(murmurErrorBody(err));
      }
      if (event !== 'up') {
        ctx.metrics.events.inc({ event });
        return reply.code(204).send();
      }
      return answer(ctx, 'chirpstack', reply, () => readChirpstackUp(body, limits));
    },
  };
  return [tts, chirpstack];
}
