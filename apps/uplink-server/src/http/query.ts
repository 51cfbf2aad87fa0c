/**
 * The query API: devices, one device, a device's uplinks and the alerts, newest first, in pages with a
 * cursor (the position of a page's last item, so that uplinks arriving meanwhile neither repeat nor skip).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MurmurError } from '@murmur/core';
import type { ServerContext } from '../context';
import type { DeviceRecord, Position, UplinkQuery, UplinkRecord } from '../store';
import { cleanText, instantOf } from '../values';
import { refuse } from './errors';
import { errorResponse, ref, type ObjectSchema, type Route } from './routes';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const limitParam = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_PAGE,
  default: DEFAULT_PAGE,
  description: `items per page (1..${MAX_PAGE})`,
};
const cursorParam = { type: 'string', maxLength: 200, description: "the previous page's `next`" };

const uplinkQuery: ObjectSchema = {
  type: 'object',
  properties: {
    from: { type: 'string', maxLength: 64, description: 'received at or after (RFC 3339)' },
    to: { type: 'string', maxLength: 64, description: 'received before (RFC 3339)' },
    limit: limitParam,
    cursor: cursorParam,
  },
};

const idParams: ObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, description: "DevEUI, or the network's device id" },
  },
  required: ['id'],
};

/** A cursor: the base64url of `<receivedAt> <id>` of the page's last uplink. */
export function uplinkCursor(u: Pick<UplinkRecord, 'receivedAt' | 'id'>): string {
  return Buffer.from(`${u.receivedAt} ${u.id}`, 'utf8').toString('base64url');
}

function positionOf(cursor: string): Position {
  const [receivedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(' ');
  const n = Number(id);
  if (receivedAt === undefined || !instantOf(receivedAt) || !Number.isSafeInteger(n) || n < 0)
    throw new MurmurError('not a cursor this API gave', { field: 'cursor' });
  return { receivedAt, id: n };
}

function deviceCursor(cursor: string): string {
  const devEui = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^([0-9a-f]{16}|\d{15})$/.test(devEui))
    throw new MurmurError('not a cursor this API gave', { field: 'cursor' });
  return devEui;
}

function instantParam(v: string | undefined, field: string): string | undefined {
  if (v === undefined) return undefined;
  const d = instantOf(v);
  if (!d) throw new MurmurError('expected an RFC 3339 date-time (2026-05-01T10:00:00Z)', { field });
  return d.toISOString();
}

interface UplinkQueryString {
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

function uplinkQueryOf(q: UplinkQueryString): UplinkQuery {
  const from = instantParam(q.from, 'from');
  const to = instantParam(q.to, 'to');
  return {
    limit: q.limit,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(q.cursor === undefined ? {} : { after: positionOf(q.cursor) }),
  };
}

async function page(
  ctx: ServerContext,
  query: UplinkQuery,
): Promise<{ items: UplinkRecord[]; next: string | null }> {
  const items = await ctx.store.uplinks(query);
  const last = items.at(-1);
  return { items, next: items.length === query.limit && last ? uplinkCursor(last) : null };
}

/** The one device `id` names, or a 404/409 sent. */
export async function deviceOr(
  ctx: ServerContext,
  id: string,
  reply: FastifyReply,
): Promise<DeviceRecord | undefined> {
  const found = await ctx.store.findDevices(cleanText(id));
  if (found.length === 0) {
    refuse(reply, 404, 'not_found', `no device with DevEUI or device id '${id.slice(0, 64)}'`, {
      field: 'id',
    });
    return undefined;
  }
  if (found.length > 1 && found[0]!.devEui !== id.toLowerCase()) {
    refuse(
      reply,
      409,
      'ambiguous',
      `device id '${id.slice(0, 64)}' names ${found.length} devices (${found.map((d) => d.devEui).join(', ')}); use the DevEUI`,
      { field: 'id' },
    );
    return undefined;
  }
  return found[0]!;
}

export function queryRoutes(ctx: ServerContext): Route[] {
  const pageResponses = (schema: string) => ({
    '200': { description: 'One page, newest first', schema: ref(schema) },
    '400': errorResponse('A bad parameter; `field` names it'),
    '401': errorResponse('Missing or wrong API secret'),
    '403': errorResponse('No API secret configured and the client is not on loopback'),
  });
  return [
    {
      spec: {
        method: 'GET',
        url: '/v1/devices',
        operationId: 'listDevices',
        summary: 'Devices, by DevEUI',
        tags: ['query'],
        access: 'api',
        querystring: {
          type: 'object',
          properties: { limit: limitParam, cursor: cursorParam },
        },
        responses: pageResponses('DevicePage'),
      },
      handler: async (req: FastifyRequest) => {
        const q = req.query as { limit: number; cursor?: string };
        const after = q.cursor === undefined ? undefined : deviceCursor(q.cursor);
        const items = await ctx.store.devices({ limit: q.limit, ...(after === undefined ? {} : { after }) });
        const last = items.at(-1);
        return {
          items,
          next:
            items.length === q.limit && last ? Buffer.from(last.devEui, 'utf8').toString('base64url') : null,
        };
      },
    },
    {
      spec: {
        method: 'GET',
        url: '/v1/devices/:id',
        operationId: 'getDevice',
        summary: 'One device and its latest uplink',
        tags: ['query'],
        access: 'api',
        params: idParams,
        responses: {
          '200': {
            description: 'The device',
            schema: {
              type: 'object',
              properties: { device: ref('Device'), latest: { oneOf: [ref('Uplink'), { type: 'null' }] } },
            },
          },
          '404': errorResponse('No such device'),
          '409': errorResponse('The device id names several devices'),
        },
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const device = await deviceOr(ctx, (req.params as { id: string }).id, reply);
        if (!device) return reply;
        const [latest] = await ctx.store.uplinks({ devEui: device.devEui, limit: 1 });
        return { device, latest: latest ?? null };
      },
    },
    {
      spec: {
        method: 'GET',
        url: '/v1/devices/:id/uplinks',
        operationId: 'listDeviceUplinks',
        summary: "A device's uplinks, newest first",
        tags: ['query'],
        access: 'api',
        params: idParams,
        querystring: uplinkQuery,
        responses: {
          ...pageResponses('UplinkPage'),
          '404': errorResponse('No such device'),
          '409': errorResponse('The device id names several devices'),
        },
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const query = uplinkQueryOf(req.query as UplinkQueryString);
        const device = await deviceOr(ctx, (req.params as { id: string }).id, reply);
        if (!device) return reply;
        return page(ctx, { ...query, devEui: device.devEui });
      },
    },
    {
      spec: {
        method: 'GET',
        url: '/v1/alerts',
        operationId: 'listAlerts',
        summary: 'Uplinks that are alerts, newest first',
        description:
          'Uplinks whose decoded data has alert: true or sensor_fault: true, or a state other than normal and unknown (a fault state).',
        tags: ['query'],
        access: 'api',
        querystring: uplinkQuery,
        responses: pageResponses('UplinkPage'),
      },
      handler: (req: FastifyRequest) =>
        page(ctx, { ...uplinkQueryOf(req.query as UplinkQueryString), alertsOnly: true }),
    },
  ];
}
