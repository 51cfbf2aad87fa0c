/**
 * The HTTP server: Fastify with the routes of this folder. Bodies are bounded twice: a Content-Length over
 * the limit is refused (413) before anything is read, also for a client that waits for `100 Continue`, and
 * Fastify stops reading a chunked body at the limit. Every answer is JSON, errors included.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { checkAccess } from '../auth';
import type { ServerContext } from '../context';
import { downlinkRoutes } from './downlinks';
import { errorReply, refuse } from './errors';
import { ingestRoutes } from './ingest';
import { openapiDocument } from './openapi';
import { opsRoutes } from './ops';
import { pageRoutes } from './page';
import { queryRoutes } from './query';
import type { Route } from './routes';
import { StreamClients, streamRoutes } from './stream';

export interface HttpOptions {
  /** pino logger options, or false for none. */
  logger: boolean | Record<string, unknown>;
}

/** The body a Content-Length announces, or undefined. */
function announcedLength(req: IncomingMessage): number | undefined {
  const v = req.headers['content-length'];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function tooLargeText(length: number, limit: number): string {
  return JSON.stringify({
    error: 'payload_too_large',
    message: `a body of ${length} bytes is larger than the limit of ${limit} bytes`,
  });
}

export interface HttpApp {
  app: FastifyInstance;
  routes: Route[];
  /** Every route Fastify registered (method and URL), as it registered them. */
  registered: { method: string; url: string }[];
  streams: StreamClients;
}

export function buildHttpApp(ctx: ServerContext, opts: HttpOptions): HttpApp {
  const limit = ctx.config.bodyLimit;
  const app = Fastify({
    logger: opts.logger,
    bodyLimit: limit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });

  const registered: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) registered.push({ method, url: r.url });
  });

  // A client that asks before sending (Expect: 100-continue) is told 413 instead of being let send it.
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const length = announcedLength(req);
    if (length !== undefined && length > limit) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(tooLargeText(length, limit));
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const length = announcedLength(req.raw);
    if (length !== undefined && length > limit) {
      const network = /^\/v1\/ingest\/(tts|chirpstack)(\?|$)/.exec(req.url)?.[1];
      if (network) ctx.metrics.rejected.inc({ network, status: '413' });
      // Connection: close, so the unread body is not drained after the answer.
      reply.header('connection', 'close');
      return refuse(
        reply,
        413,
        'payload_too_large',
        `a body of ${length} bytes is larger than the limit of ${limit} bytes`,
      );
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = errorReply(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (status === 413) reply.header('connection', 'close');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    refuse(
      reply,
      404,
      'not_found',
      `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 100)} (see /openapi.json)`,
    ),
  );

  const streams = new StreamClients();
  let doc: unknown;
  const routes: Route[] = [
    ...ingestRoutes(ctx),
    ...queryRoutes(ctx),
    ...downlinkRoutes(ctx),
    ...pageRoutes(ctx),
    ...streamRoutes(ctx, streams),
    ...opsRoutes(ctx, () => (doc ??= openapiDocument(routes.map((r) => r.spec)))),
  ];

  const register = (scope: FastifyInstance, route: Route): void => {
    const { spec } = route;
    scope.route({
      method: spec.method,
      url: spec.url,
      schema: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.querystring ? { querystring: spec.querystring } : {}),
      },
      ...(spec.access === 'open'
        ? {}
        : {
            onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
              const secret = ctx.config.secrets[spec.access as 'tts' | 'chirpstack' | 'api'];
              const access = checkAccess(
                spec.access,
                secret,
                secret ? req.headers[secret.header] : undefined,
                req.socket.remoteAddress,
              );
              if (access.ok) return;
              if (route.rawBody)
                ctx.metrics.rejected.inc({ network: spec.access, status: String(access.status) });
              // An unauthenticated body is never read.
              reply.header('connection', 'close');
              return refuse(
                reply,
                access.status,
                access.status === 401 ? 'unauthorized' : 'forbidden',
                access.message,
              );
            },
          }),
      handler: route.handler,
    });
  };

  // Ingestion reads its body as bytes, whatever the content type, and parses it itself.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) =>
      done(null, body),
    );
    for (const route of routes.filter((r) => r.rawBody)) register(scope, route);
  });
  for (const route of routes.filter((r) => !r.rawBody)) register(app, route);

  app.addHook('preClose', async () => streams.endAll());
  return { app, routes, registered, streams };
}
