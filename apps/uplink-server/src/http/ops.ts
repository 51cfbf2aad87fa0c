/** Operations: health, Prometheus metrics and the OpenAPI document. */
import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../context';
import { errorResponse, type Route } from './routes';

export function opsRoutes(ctx: ServerContext, openapi: () => unknown): Route[] {
  return [
    {
      spec: {
        method: 'GET',
        url: '/healthz',
        operationId: 'health',
        summary: 'Health: the store answers and the server is not shutting down',
        tags: ['operations'],
        access: 'open',
        responses: {
          '200': {
            description: 'Healthy',
            schema: {
              type: 'object',
              properties: {
                status: { type: 'string', enum: ['ok'] },
                store: { type: 'string' },
                queueDepth: { type: 'integer' },
              },
            },
          },
          '503': errorResponse('Shutting down, or the store does not answer'),
        },
      },
      handler: async (_req, reply: FastifyReply) => {
        if (ctx.stopping)
          return reply.code(503).send({ error: 'shutting_down', message: 'the server is shutting down' });
        try {
          await ctx.store.ping();
        } catch (err) {
          reply.log.error({ err }, 'health check: store does not answer');
          return reply.code(503).send({ error: 'store_unavailable', message: 'the store does not answer' });
        }
        return { status: 'ok', store: ctx.store.kind, queueDepth: ctx.ingestor.queue.depth };
      },
    },
    {
      spec: {
        method: 'GET',
        url: '/metrics',
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        tags: ['operations'],
        access: 'api',
        responses: {
          '200': {
            description: 'Prometheus text format 0.0.4',
            contentType: 'text/plain; version=0.0.4',
            schema: { type: 'string' },
          },
          '401': errorResponse('Missing or wrong API secret'),
          '403': errorResponse('No API secret configured and the client is not on loopback'),
        },
      },
      handler: (_req, reply: FastifyReply) =>
        reply.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render()),
    },
    {
      spec: {
        method: 'GET',
        url: '/openapi.json',
        operationId: 'openapi',
        summary: 'This OpenAPI 3 document',
        tags: ['operations'],
        access: 'open',
        responses: { '200': { description: 'OpenAPI 3.1 document', schema: { type: 'object' } } },
      },
      handler: () => openapi(),
    },
  ];
}
