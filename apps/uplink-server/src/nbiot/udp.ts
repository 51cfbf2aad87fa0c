/**
 * NB-IoT over UDP: each datagram is one uplink in the framing of `framing.ts` (device id, sequence number,
 * fPort, CBOR body). It is read with `fromNbiotDatagram` of @murmur/lpwan, ingested under the key
 * `<device id>:<sequence>`, and acknowledged with an ack datagram only once it is committed; a datagram the
 * server cannot store now gets no answer, so the device sends it again. The receiver remembers where each
 * device's latest datagram came from (in memory: a downlink can only leave from this socket), and sends a
 * downlink datagram there while that is recent (`downlinkWindowSeconds`).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { FastifyBaseLogger } from 'fastify';
import { MurmurError } from '@murmur/core';
import { fromNbiotDatagram, type DatagramMeta } from '@murmur/lpwan';
import type { PayloadSchema } from '@murmur/payload';
import type { ServerContext } from '../context';
import type { PayloadDecoding, ReceivedUplink } from '../ingest';
import type { Counter } from '../metrics';
import type { DownlinkOutcome } from '../downlinks/store';
import type { UdpConfig } from './config';
import {
  NBIOT_HEADER_BYTES,
  nbiotAck,
  nbiotDownlink,
  nbiotKey,
  readNbiotDatagram,
  type NbiotAckStatus,
} from './framing';

export type TransportLog = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug'>;

/** The version a CBOR body carries: the first item of the compact array; null for a SenML pack. */
export function cborVersion(body: Uint8Array): number | null {
  if (body.length < 2 || body[0]! >> 5 !== 4) return null;
  const info = body[0]! & 0x1f;
  const at = info < 24 ? 1 : info === 24 ? 2 : info === 25 ? 3 : -1;
  if (at < 0 || at >= body.length || body[at]! >> 5 !== 0) return null;
  const v = body[at]! & 0x1f;
  if (v < 24) return v;
  if (v === 24 && at + 1 < body.length) return body[at + 1]!;
  return null;
}

/** Reads an uplink datagram as received now; throws MurmurError naming the field of a malformed one. */
export function readNbiotUplink(
  datagram: Uint8Array,
  opts: { maxBodyBytes: number; receivedAt?: string },
): { received: ReceivedUplink; key: string } {
  const frame = readNbiotDatagram(datagram);
  if (frame.fPort < 1 || frame.fPort > 223)
    throw new MurmurError(`fPort ${frame.fPort}: expected the payload schema's fPort, 1..223`, {
      field: 'fPort',
      offset: 13,
    });
  const meta: DatagramMeta = {
    devEui: frame.devEui,
    fCnt: frame.sequence,
    receivedAt: opts.receivedAt ?? new Date().toISOString(),
  };
  const limits = { maxBodyBytes: opts.maxBodyBytes };
  const uplink = { ...fromNbiotDatagram(frame.body, meta, undefined, limits), fPort: frame.fPort };
  const decode = (schema: PayloadSchema): PayloadDecoding => {
    const r = fromNbiotDatagram(frame.body, meta, schema, limits);
    return {
      ...(r.data === undefined ? {} : { data: r.data }),
      errors: r.errors,
      warnings: r.warnings,
      version: cborVersion(frame.body),
    };
  };
  return { received: { network: 'nbiot', uplink, decode }, key: nbiotKey(frame) };
}

/** Where a device's latest datagram came from, and when (ms since the epoch). */
export interface DatagramSender {
  address: string;
  port: number;
  at: number;
}

/** Devices whose latest sender is remembered, at most (the oldest are forgotten first). */
const MAX_SENDERS = 100_000;

/** The UDP receiver of NB-IoT uplinks. */
export class NbiotReceiver {
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly datagrams: Counter;
  /** Each device's latest sender, oldest first. */
  private readonly senders = new Map<string, DatagramSender>();

  private constructor(
    private readonly ctx: ServerContext,
    private readonly config: UdpConfig,
    private readonly socket: Socket,
    private readonly log: TransportLog,
  ) {
    this.datagrams = ctx.metrics.counter(
      'murmur_udp_datagrams_total',
      'NB-IoT datagrams by result: acked (stored or duplicate), refused (malformed, acked as refused), unanswered (could not be stored now; the device retries).',
    );
  }

  /** Binds the socket and starts receiving. */
  static async start(ctx: ServerContext, config: UdpConfig, log: TransportLog): Promise<NbiotReceiver> {
    const socket = createSocket({ type: config.host.includes(':') ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(config.port, config.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const receiver = new NbiotReceiver(ctx, config, socket, log);
    socket.on('error', (err) => log.error({ err }, 'udp: socket error'));
    socket.on('message', (msg, rinfo) => receiver.track(receiver.receive(msg, rinfo)));
    return receiver;
  }

  /** The port datagrams are received on. */
  get port(): number {
    return this.socket.address().port;
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private answer(datagram: Uint8Array, status: NbiotAckStatus, to: RemoteInfo): void {
    this.socket.send(nbiotAck(datagram, status), to.port, to.address, (err) => {
      if (err) this.log.debug({ err }, 'udp: ack not sent');
    });
  }

  /** The window in which a device is reachable after its latest datagram, in ms. */
  get downlinkWindowMs(): number {
    return this.config.downlinkWindowSeconds * 1000;
  }

  /** Where the device's latest datagram (stored or a duplicate) came from, if this server received one. */
  sender(devEui: string): DatagramSender | undefined {
    return this.senders.get(devEui);
  }

  private remember(devEui: string, from: RemoteInfo): void {
    this.senders.delete(devEui);
    this.senders.set(devEui, { address: from.address, port: from.port, at: Date.now() });
    if (this.senders.size > MAX_SENDERS) this.senders.delete(this.senders.keys().next().value!);
  }

  /** Sends a downlink datagram to `to`; resolves with the outcome (sent once the socket has sent it). */
  sendDownlink(
    to: DatagramSender,
    d: { devEui: string; sequence: number; fPort: number; bytes: Uint8Array },
  ): Promise<DownlinkOutcome> {
    const datagram = nbiotDownlink({
      devEui: d.devEui,
      sequence: d.sequence >>> 0,
      fPort: d.fPort,
      body: d.bytes,
    });
    return new Promise((resolve) => {
      this.socket.send(datagram, to.port, to.address, (err) =>
        resolve(
          err
            ? {
                status: 'failed',
                responseCode: null,
                error: `udp: not sent: ${err.message}`,
                networkRef: null,
              }
            : { status: 'sent', responseCode: null, error: null, networkRef: String(d.sequence >>> 0) },
        ),
      );
    });
  }

  private async receive(datagram: Buffer, from: RemoteInfo): Promise<void> {
    if (this.closing || this.ctx.stopping) {
      this.datagrams.inc({ result: 'unanswered' });
      return;
    }
    try {
      const msg = readNbiotUplink(datagram, { maxBodyBytes: this.config.maxBodyBytes });
      const outcome = await this.ctx.ingestor.ingest(msg.received, msg.key);
      this.remember(msg.received.uplink.devEui, from);
      await this.ctx.downlinks.observe(msg.received, outcome, { transport: 'udp' });
      this.datagrams.inc({ result: 'acked' });
      this.answer(datagram, outcome.status, from);
    } catch (err) {
      if (err instanceof MurmurError) {
        this.datagrams.inc({ result: 'refused' });
        this.ctx.metrics.rejected.inc({ network: 'nbiot', status: '400' });
        this.log.debug({ from: from.address, err: err.message }, 'udp: datagram refused');
        if (datagram.length >= NBIOT_HEADER_BYTES) this.answer(datagram, 'refused', from);
        return;
      }
      // Queue full, store unavailable or shutting down: no answer, the device sends it again.
      this.datagrams.inc({ result: 'unanswered' });
      this.log.warn({ err }, 'udp: datagram not stored now; the device will retry');
    }
  }

  /** Stops receiving, answers every datagram being committed, and closes the socket. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
