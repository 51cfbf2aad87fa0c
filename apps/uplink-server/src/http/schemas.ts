/** The JSON Schemas of the API's bodies: the OpenAPI document's components. */
import { downlinkComponentSchemas } from './downlinks';
import { fleetComponentSchemas } from './page';

const nullable = (type: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: [type, 'null'],
  ...extra,
});

export const componentSchemas: Record<string, Record<string, unknown>> = {
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: {
        type: 'string',
        description: 'bad_request, unauthorized, forbidden, not_found, payload_too_large, overloaded, ...',
      },
      message: { type: 'string' },
      field: { type: 'string', description: 'path of the field at fault, e.g. uplink_message.f_port' },
      file: { type: 'string' },
      line: { type: 'integer' },
      offset: { type: 'integer' },
    },
  },
  Gateway: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' }, rssi: { type: 'number' }, snr: { type: 'number' } },
  },
  Uplink: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      network: { type: 'string', enum: ['tts', 'chirpstack', 'nbiot'] },
      dedupKey: { type: 'string', description: "the network's deduplication key" },
      devEui: { type: 'string' },
      deviceId: nullable('string'),
      app: nullable('string'),
      fPort: { type: 'integer' },
      fCnt: { type: 'integer' },
      receivedAt: { type: 'string', format: 'date-time' },
      ingestedAt: { type: 'string', format: 'date-time' },
      payload: { type: 'string', description: 'application payload, lower-case hex' },
      schemaName: nullable('string'),
      schemaVersion: nullable('integer'),
      data: nullable('object', { description: 'the decoded payload' }),
      errors: { type: 'array', items: { type: 'string' } },
      warnings: { type: 'array', items: { type: 'string' } },
      rssi: nullable('number'),
      snr: nullable('number'),
      spreadingFactor: nullable('integer'),
      frequencyHz: nullable('integer'),
      airtimeMs: nullable('number'),
      gateways: { type: 'array', items: { $ref: '#/components/schemas/Gateway' } },
      alert: { type: 'boolean' },
      alertReasons: { type: 'array', items: { type: 'string' } },
    },
  },
  Device: {
    type: 'object',
    properties: {
      devEui: { type: 'string' },
      deviceId: nullable('string'),
      app: nullable('string'),
      registeredBy: { type: 'string', enum: ['config', 'fport', 'none'] },
      network: { type: 'string' },
      firstSeen: nullable('string', { format: 'date-time' }),
      lastSeen: nullable('string', { format: 'date-time' }),
      lastFCnt: nullable('integer'),
      uplinks: { type: 'integer' },
    },
  },
  UplinkPage: {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Uplink' } },
      next: nullable('string', { description: 'cursor of the next page; null on the last' }),
    },
  },
  DevicePage: {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Device' } },
      next: nullable('string'),
    },
  },
  IngestResult: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['stored', 'duplicate', 'acknowledged'] },
      id: { type: 'integer', description: 'the stored uplink (absent for a duplicate)' },
      devEui: { type: 'string' },
      app: nullable('string'),
      fPort: { type: 'integer' },
      fCnt: { type: 'integer' },
      data: nullable('object'),
      errors: { type: 'array', items: { type: 'string' } },
      warnings: { type: 'array', items: { type: 'string' } },
    },
  },
  ...downlinkComponentSchemas,
  ...fleetComponentSchemas,
};
