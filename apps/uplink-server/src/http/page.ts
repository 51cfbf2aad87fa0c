/**
 * The fleet page: `GET /` is a static HTML page whose script (`/web/fleet.js`, no build step) reads
 * `/v1/fleet` and the query API, and follows `/v1/stream`; the chart library (uPlot) is served from its
 * package's browser bundle. The page and its files are open, like /openapi.json; the data it reads needs
 * the API secret, which the page asks for when the server wants one (the header's name is in the page).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { sqlOf } from '../store/sql-of';
import { fleet } from '../web/fleet';
import { refuse } from './errors';
import { devEuiFilter, errorResponse, ref, type Route } from './routes';

/** The folder of the page's own files. */
export const PUBLIC_DIR = fileURLToPath(new URL('../web/public/', import.meta.url));

/** The folder of uPlot's browser bundle. */
function uplotDir(): string {
  return dirname(createRequire(import.meta.url).resolve('uplot'));
}

interface Asset {
  type: string;
  body: Buffer;
}

/** The files under /web/, read once. */
function assets(): Map<string, Asset> {
  const js = 'text/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  return new Map([
    ['fleet.js', { type: js, body: readFileSync(join(PUBLIC_DIR, 'fleet.js')) }],
    ['fleet.css', { type: css, body: readFileSync(join(PUBLIC_DIR, 'fleet.css')) }],
    ['uplot.js', { type: js, body: readFileSync(join(uplotDir(), 'uPlot.iife.min.js')) }],
    ['uplot.css', { type: css, body: readFileSync(join(uplotDir(), 'uPlot.min.css')) }],
  ]);
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const escapeAttr = (s: string): string =>
  s.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);

export const fleetComponentSchemas: Record<string, Record<string, unknown>> = {
  Fleet: {
    type: 'object',
    required: ['apps', 'devices', 'lastUplinkId'],
    properties: {
      apps: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            stateField: { type: ['string', 'null'], description: "the app's dominant-class field" },
            stateValues: { type: 'array', items: { type: 'string' } },
            fields: {
              type: 'array',
              description: 'the numeric fields of its uplink, charted over time',
              items: { type: 'object' },
            },
            downlink: { type: ['object', 'null'], description: 'its downlink fPort and fields' },
          },
        },
      },
      devices: { type: 'array', items: ref('FleetDevice') },
      lastUplinkId: { type: 'integer', description: 'stream from here (`since`) to miss nothing' },
    },
  },
  FleetDevice: {
    type: 'object',
    properties: {
      devEui: { type: 'string' },
      deviceId: { type: ['string', 'null'] },
      app: { type: ['string', 'null'] },
      network: { type: 'string' },
      uplinks: { type: 'integer' },
      lastSeen: { type: ['string', 'null'], format: 'date-time' },
      state: { type: ['string', 'null'], description: "the latest value of the app's state field" },
      batteryPct: { type: ['number', 'null'] },
      openAlerts: {
        type: 'array',
        items: { type: 'string' },
        description: 'the alert reasons of the latest uplink',
      },
      latest: { type: ['object', 'null'], description: 'the latest uplink: id, time, fCnt, RSSI, SNR, SF' },
      link: {
        type: 'object',
        description: 'over the `days` up to the latest uplink',
        properties: {
          days: { type: 'integer' },
          uplinks: { type: 'integer' },
          alertUplinks: { type: 'integer' },
          lostFrames: { type: 'integer', description: 'frames missing between consecutive frame counters' },
          fCntResets: { type: 'integer', description: 'frame counter went back or jumped past 16384' },
          duplicates: { type: 'integer', description: 'frames stored twice (same fCnt and payload)' },
          redeliveries: {
            type: 'integer',
            description: 'deliveries refused as duplicates of a stored uplink (all time)',
          },
          rssiMean: { type: ['number', 'null'] },
          snrMean: { type: ['number', 'null'] },
        },
      },
    },
  },
};

export function pageRoutes(ctx: ServerContext): Route[] {
  const files = assets();
  const api = ctx.config.secrets.api;
  const html = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8').replace(
    '__MURMUR_API_HEADER__',
    escapeAttr(api ? api.header : ''),
  );
  return [
    {
      spec: {
        method: 'GET',
        url: '/',
        operationId: 'fleetPage',
        summary: 'The fleet page (HTML)',
        description:
          'Devices with their app, state, battery, open alerts and link quality, and per device its decoded numeric fields and RSSI/SNR over time, updated live from /v1/stream.',
        tags: ['web'],
        access: 'open',
        responses: {
          '200': { description: 'The page', contentType: 'text/html', schema: { type: 'string' } },
        },
      },
      handler: (_req: FastifyRequest, reply: FastifyReply) =>
        reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(html),
    },
    {
      spec: {
        method: 'GET',
        url: '/web/:file',
        operationId: 'fleetPageFile',
        summary: "The fleet page's script and style, and the chart library (uPlot)",
        tags: ['web'],
        access: 'open',
        params: {
          type: 'object',
          properties: {
            file: { type: 'string', maxLength: 64, description: [...files.keys()].join(', ') },
          },
          required: ['file'],
        },
        responses: {
          '200': { description: 'The file', contentType: 'text/javascript', schema: { type: 'string' } },
          '404': errorResponse('No such file'),
        },
      },
      handler: (req: FastifyRequest, reply: FastifyReply) => {
        const name = (req.params as { file: string }).file;
        const f = files.get(name);
        if (!f)
          return refuse(reply, 404, 'not_found', `no file /web/${name.slice(0, 64)}`, { field: 'file' });
        return reply.headers(SECURITY_HEADERS).type(f.type).send(f.body);
      },
    },
    {
      spec: {
        method: 'GET',
        url: '/v1/fleet',
        operationId: 'fleet',
        summary: 'The fleet: apps, and devices with state, battery, open alerts and link quality',
        description:
          "The apps (state field, numeric fields, downlink fields) and, per device, the latest value of its app's state field and battery_pct, the alert reasons of its latest uplink, and link quality from its stored uplinks over the `days` up to its latest: mean RSSI/SNR, frames lost (frame-counter gaps up to 16384), counter resets, frames stored twice, and deliveries refused as duplicates.",
        tags: ['query'],
        access: 'api',
        querystring: {
          type: 'object',
          properties: {
            devEui: devEuiFilter,
            days: {
              type: 'integer',
              minimum: 1,
              maximum: 3660,
              default: 7,
              description: 'days of uplinks the link statistics cover',
            },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000, description: 'devices' },
          },
        },
        responses: {
          '200': { description: 'The fleet', schema: ref('Fleet') },
          '400': errorResponse('A bad parameter; `field` names it'),
          '401': errorResponse('Missing or wrong API secret'),
          '403': errorResponse('No API secret configured and the client is not on loopback'),
        },
      },
      handler: (req: FastifyRequest) => {
        const q = req.query as { devEui?: string; days: number; limit: number };
        return fleet(sqlOf(ctx.store), ctx.catalog, {
          ...(q.devEui === undefined ? {} : { devEui: q.devEui.toLowerCase() }),
          days: q.days,
          limit: q.limit,
        });
      },
    },
  ];
}
