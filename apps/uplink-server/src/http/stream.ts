/**
 * `GET /v1/stream`: Server-Sent Events, one `uplink` event per committed uplink (its id is the event id).
 * A client that reconnects with `Last-Event-ID` (or `?since=<id>`) first gets what it missed, up to 1,000
 * uplinks. A client that does not read (its socket buffer over 1 MiB) is disconnected rather than buffered
 * for; every 15 s a comment line keeps proxies from closing an idle stream.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import type { UplinkRecord } from '../store';
import { devEuiFilter, errorResponse, type Route } from './routes';

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 1 << 20;
const CATCH_UP_LIMIT = 1000;

/** The open streams, ended when the server shuts down. */
export class StreamClients {
  private readonly open = new Set<ServerResponse>();

  get size(): number {
    return this.open.size;
  }

  add(res: ServerResponse): void {
    this.open.add(res);
  }

  delete(res: ServerResponse): void {
    this.open.delete(res);
  }

  endAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

function eventText(u: UplinkRecord): string {
  return `id: ${u.id}\nevent: uplink\ndata: ${JSON.stringify(u)}\n\n`;
}

export function streamRoutes(ctx: ServerContext, clients: StreamClients): Route[] {
  return [
    {
      spec: {
        method: 'GET',
        url: '/v1/stream',
        operationId: 'streamUplinks',
        summary: 'Live uplinks (Server-Sent Events)',
        description:
          'One `uplink` event per committed uplink, data the Uplink as JSON, id its id. Last-Event-ID (or since) replays what was missed.',
        tags: ['query'],
        access: 'api',
        querystring: {
          type: 'object',
          properties: {
            devEui: devEuiFilter,
            app: { type: 'string', maxLength: 64, description: "only this app's devices" },
            since: { type: 'integer', minimum: 0, description: 'first replay the uplinks with a larger id' },
          },
        },
        responses: {
          '200': {
            description: 'The event stream',
            contentType: 'text/event-stream',
            schema: { type: 'string' },
          },
          '401': errorResponse('Missing or wrong API secret'),
          '403': errorResponse('No API secret configured and the client is not on loopback'),
        },
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const q = req.query as { devEui?: string; app?: string; since?: number };
        const devEui = q.devEui?.toLowerCase();
        const wanted = (u: UplinkRecord): boolean =>
          (devEui === undefined || u.devEui === devEui) && (q.app === undefined || u.app === q.app);
        const lastEventId = Number(req.headers['last-event-id']);
        const since = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : q.since;

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n: murmur uplink stream\n\n');
        clients.add(res);

        // While catching up: the ids sent, so that an uplink both replayed and held is sent once. Live
        // uplinks come once each from the hub, not always in id order (batches commit concurrently).
        let replayed: Set<number> | undefined;
        let pending: UplinkRecord[] | undefined = since === undefined ? undefined : [];
        const send = (u: UplinkRecord): void => {
          if (!wanted(u) || (since !== undefined && u.id <= since)) return;
          if (replayed?.has(u.id)) return;
          if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
          res.write(eventText(u));
        };
        // Subscribed before catching up, so nothing committed in between is lost; held until caught up.
        const unsubscribe = ctx.hub.subscribe((u) => (pending ? pending.push(u) : send(u)));
        const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        const close = (): void => {
          clearInterval(heartbeat);
          unsubscribe();
          clients.delete(res);
        };
        res.on('close', close);
        if (ctx.stopping) return void res.end();
        if (since !== undefined && pending) {
          replayed = new Set();
          try {
            for (const u of await ctx.store.uplinksAfter(since, CATCH_UP_LIMIT)) {
              send(u);
              replayed.add(u.id);
            }
          } catch (err) {
            req.log.error({ err }, 'stream catch-up failed');
          }
          const held = pending;
          pending = undefined;
          for (const u of held) send(u);
          replayed = undefined;
        }
      },
    },
  ];
}
