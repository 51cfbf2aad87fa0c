/**
 * Downlinks: `POST /v1/devices/:id/downlinks` encodes the body (a value of the app's downlink schema) and
 * asks the network of the device's latest uplink to queue it; `GET` lists what was asked and answered.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MurmurError } from '@murmur/core';
import type { ServerContext } from '../context';
import { DownlinkRefused } from '../downlinks/service';
import type { DownlinkMode } from '../downlinks/store';
import { murmurErrorBody, refuse } from './errors';
import { deviceOr } from './query';
import { errorResponse, ref, type ObjectSchema, type Route } from './routes';

const MAX_PAGE = 1000;

const NETWORK_NAMES = { tts: 'The Things Stack', chirpstack: 'ChirpStack', nbiot: 'NB-IoT' } as const;

const idParams: ObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, description: "DevEUI, or the network's device id" },
  },
  required: ['id'],
};

export const downlinkComponentSchemas: Record<string, Record<string, unknown>> = {
  Downlink: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      devEui: { type: 'string' },
      app: { type: 'string' },
      fPort: { type: 'integer' },
      payload: { type: 'string', description: 'the encoded downlink, lower-case hex' },
      value: { type: 'object', description: 'the value it encodes, as asked for' },
      confirmed: { type: 'boolean' },
      mode: { type: 'string', enum: ['push', 'replace'] },
      network: { type: 'string', enum: ['tts', 'chirpstack', 'nbiot'] },
      target: {
        type: ['string', 'null'],
        description:
          'where it went: the URL the network was asked at, the broker and topic it was published to (mqtt://host:port/topic), or the device address (udp://address:port)',
      },
      status: { type: 'string', enum: ['pending', 'sent', 'failed'] },
      responseCode: {
        type: ['integer', 'null'],
        description: "the network's HTTP status (null over MQTT and UDP)",
      },
      error: { type: ['string', 'null'], description: 'why it failed' },
      networkRef: {
        type: ['string', 'null'],
        description:
          "the network's id of the queued downlink (ChirpStack's queue item id; NB-IoT: the datagram's sequence number)",
      },
      createdAt: { type: 'string', format: 'date-time' },
      completedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  DownlinkPage: {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Downlink' } },
      next: { type: ['string', 'null'], description: 'cursor of the next page; null on the last' },
    },
  },
  DownlinkFailure: {
    type: 'object',
    required: ['error', 'message', 'downlink'],
    properties: {
      error: { type: 'string', enum: ['network_failed'] },
      message: { type: 'string' },
      downlink: { $ref: '#/components/schemas/Downlink' },
    },
  },
};

const access = {
  '401': errorResponse('Missing or wrong API secret'),
  '403': errorResponse('No API secret configured and the client is not on loopback'),
};

export function downlinkRoutes(ctx: ServerContext): Route[] {
  return [
    {
      spec: {
        method: 'POST',
        url: '/v1/devices/:id/downlinks',
        operationId: 'sendDownlink',
        summary: 'Send a downlink to a device',
        description:
          "The body is a value of the device's app's downlink schema (predictive-maintenance: `{ \"restart_baseline\": true, \"uplink_period_min\": 0 }`). It is encoded with the app's generated encoder and sent through the network and transport of the device's latest uplink: over MQTT when that uplink came over the network's MQTT integration and this server is connected to it (The Things Stack `v3/{app}@{tenant}/devices/{device_id}/down/push|replace`, ChirpStack `application/{application_id}/device/{dev_eui}/command/down`; sent once the broker acknowledges it); else The Things Stack's webhook URL (X-Downlink-Push or X-Downlink-Replace, with X-Downlink-Apikey or the config's key) or ChirpStack's REST API (the config's apiUrl and token); NB-IoT: a downlink datagram to the address and port of the device's latest datagram, within udp.downlinkWindowSeconds of it. The downlink is recorded with the outcome. Needs the API secret (the query and downlink API's bearer token), not an ingestion secret.",
        tags: ['downlinks'],
        access: 'api',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            confirmed: { type: 'boolean', default: false, description: 'ask for a confirmed downlink' },
            mode: {
              type: 'string',
              enum: ['push', 'replace'],
              default: 'push',
              description: "push after what is queued, or replace the device's queue",
            },
          },
        },
        requestBody: {
          description: "The downlink value of the device's app",
          contentType: 'application/json',
          schema: { type: 'object' },
        },
        responses: {
          '201': { description: 'Queued by the network', schema: ref('Downlink') },
          '400': errorResponse('The value does not fit the downlink schema; `field` names the field'),
          ...access,
          '404': errorResponse('No such device'),
          '409': errorResponse(
            'Not possible now: the device has no app, its app no downlink, it sent no uplink yet, the route or credentials for its network are missing, or (NB-IoT) it is not reachable: no datagram from it within the downlink window',
          ),
          '415': errorResponse('Not JSON'),
          '502': {
            description: 'The network refused, failed or did not answer; the downlink is recorded as failed',
            schema: ref('DownlinkFailure'),
          },
        },
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const q = req.query as { confirmed?: boolean; mode?: DownlinkMode };
        const device = await deviceOr(ctx, (req.params as { id: string }).id, reply);
        if (!device) return reply;
        try {
          const record = await ctx.downlinks.send(device, {
            value: req.body,
            confirmed: q.confirmed ?? false,
            mode: q.mode ?? 'push',
          });
          if (record.status === 'sent') return reply.code(201).send(record);
          return reply.code(502).send({
            error: 'network_failed',
            message: `the ${NETWORK_NAMES[record.network]} downlink failed: ${record.error ?? 'no reason given'}`,
            downlink: record,
          });
        } catch (err) {
          if (err instanceof DownlinkRefused) return refuse(reply, err.status, err.code, err.message);
          if (err instanceof MurmurError) {
            const body = murmurErrorBody(err);
            return reply.code(400).send({ ...body, field: body.field ?? 'body' });
          }
          throw err;
        }
      },
    },
    {
      spec: {
        method: 'GET',
        url: '/v1/devices/:id/downlinks',
        operationId: 'listDeviceDownlinks',
        summary: "A device's downlinks, newest first",
        tags: ['downlinks'],
        access: 'api',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_PAGE,
              default: 100,
              description: `items per page (1..${MAX_PAGE})`,
            },
            cursor: { type: 'string', maxLength: 20, description: "the previous page's `next`" },
          },
        },
        responses: {
          '200': { description: 'One page, newest first', schema: ref('DownlinkPage') },
          '400': errorResponse('A bad parameter; `field` names it'),
          ...access,
          '404': errorResponse('No such device'),
          '409': errorResponse('The device id names several devices'),
        },
      },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const q = req.query as { limit: number; cursor?: string };
        let before: number | undefined;
        if (q.cursor !== undefined) {
          before = /^\d{1,15}$/.test(q.cursor) ? Number(q.cursor) : NaN;
          if (!Number.isSafeInteger(before))
            throw new MurmurError('not a cursor this API gave', { field: 'cursor' });
        }
        const device = await deviceOr(ctx, (req.params as { id: string }).id, reply);
        if (!device) return reply;
        const items = await ctx.downlinks.list(device.devEui, q.limit, before);
        const last = items.at(-1);
        return { items, next: items.length === q.limit && last ? String(last.id) : null };
      },
    },
  ];
}
