import type { Command } from 'commander';
import { UsageError } from '@murmur/core';
import type { CommandModule } from './index';
import { intOption } from './decode';

interface ServeCliOptions {
  port?: string;
  host?: string;
  db?: string;
  postgres?: string;
  config?: string;
  replay?: string;
  url?: string;
  logLevel?: string;
  mqtt?: string;
  udp?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      "the uplink server: ingest TTS / ChirpStack webhooks, MQTT and NB-IoT datagrams exactly once, decode with each device's app, store in PGlite or PostgreSQL, serve the query API, live stream and metrics",
    )
    .option('--port <port>', 'port to listen on (default 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--db <dir>', 'PGlite data directory (default ./data)')
    .option('--postgres <url>', 'PostgreSQL instead of PGlite: postgres://user:password@host:port/database')
    .option('--config <file>', 'config file (JSON): secrets, devices and their apps, queue, limits')
    .option(
      '--replay <dir>',
      'post the uplinks a build recorded (dist/apps/<app>/<board>) to the server at --url, or at --port on loopback; starts the server in this process when none answers there',
    )
    .option('--url <url>', 'the server to replay to (with --replay)')
    .option(
      '--mqtt <url>',
      "take uplinks from an MQTT broker too (TTS or ChirpStack; mqtt://, mqtts://, ws://, wss://): QoS 1, persistent session, PUBACK after the commit; the config file's mqtt gives topic, credentials, client id and shared group",
    )
    .option('--udp <port>', 'receive NB-IoT datagrams (CBOR, the framing in the README) on this UDP port')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default info)`)
    .action(async (opts: ServeCliOptions) => {
      const port = intOption(opts.port, '--port', 0, 65535);
      const udp = intOption(opts.udp, '--udp', 0, 65535);
      if (opts.mqtt !== undefined && !/^(mqtts?|wss?):\/\/[^\s/?#]+/.test(opts.mqtt))
        throw new UsageError(`--mqtt must be an mqtt://, mqtts://, ws:// or wss:// URL, got '${opts.mqtt}'`);
      if (opts.db !== undefined && opts.postgres !== undefined)
        throw new UsageError('give --db or --postgres, not both');
      if (opts.logLevel !== undefined && !LOG_LEVELS.includes(opts.logLevel))
        throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${opts.logLevel}'`);
      if (opts.url !== undefined && opts.replay === undefined)
        throw new UsageError('--url goes with --replay');
      if (opts.url !== undefined && !/^https?:\/\//.test(opts.url))
        throw new UsageError(`--url must be an http:// or https:// URL, got '${opts.url}'`);
      const { serve } = await import('@murmur/uplink-server');
      await serve({
        ...(port === undefined ? {} : { port }),
        ...(opts.host === undefined ? {} : { host: opts.host }),
        ...(opts.db === undefined ? {} : { db: opts.db }),
        ...(opts.postgres === undefined ? {} : { postgres: opts.postgres }),
        ...(opts.config === undefined ? {} : { config: opts.config }),
        ...(opts.replay === undefined ? {} : { replay: opts.replay }),
        ...(opts.url === undefined ? {} : { url: opts.url }),
        ...(opts.logLevel === undefined ? {} : { logLevel: opts.logLevel }),
        ...(opts.mqtt === undefined ? {} : { mqtt: opts.mqtt }),
        ...(udp === undefined ? {} : { udp }),
      });
    });
}

export const command: CommandModule = { order: 70, register: registerServe };
