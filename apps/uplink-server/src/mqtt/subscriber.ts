/**
 * MQTT ingestion: the server subscribes to The Things Stack's (`v3/{app}@{tenant}/devices/+/up`) or
 * ChirpStack's (`application/+/device/+/event/up`) uplink topic at QoS 1, in a persistent session (a fixed
 * client id, `clean: false`, and with MQTT 5 a session expiry interval), and sends the PUBACK of a message
 * only once its uplink is committed: MQTT 5 through mqtt.js's `customHandleAcks`, MQTT 3.1.1 through
 * `handleMessage`, whose callback sends it. A message the server cannot store now (queue full, store
 * unavailable) is retried here and stays unacknowledged meanwhile; one it is shutting down for, or one
 * in flight when the process dies, is never acknowledged, and the broker delivers it again when the session
 * reconnects. A message that can never be stored is acknowledged (MQTT 5: reason 0x99, payload format
 * invalid) and counted, as the webhooks answer 4xx.
 *
 * mqtt.js hands a session its messages one at a time, so a session takes one message per commit; servers
 * sharing a subscription (`$share/<group>/...`) can open several sessions each (`sessions`) to have more
 * messages in flight.
 *
 * Each stored uplink's topic becomes its device's downlink route, and `publishDownlink` publishes a downlink
 * to the broker (QoS 1) from a connected session: TTS `.../down/push`, ChirpStack `.../command/down`.
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { MurmurError } from '@murmur/core';
import type { ServerContext } from '../context';
import type { DownlinkOutcome } from '../downlinks/store';
import type { Counter } from '../metrics';
import { readChirpstackUp } from '../networks/chirpstack';
import { readTtsUplink, type ReadMessage } from '../networks/tts';
import { QueueClosedError } from '../queue';
import type { TransportLog } from '../nbiot/udp';
import { redactedBrokerUrl, subscriptionOf, type MqttConfig } from './config';

/** Reason code of a PUBACK for a message that will never be stored (MQTT 5: payload format invalid). */
export const PUBACK_PAYLOAD_INVALID = 0x99;

/** The message is left unacknowledged: the broker delivers it again to this session. */
export class NotAcknowledged extends Error {
  override readonly name = 'NotAcknowledged';
}

/** What to do with a message on `topic`: an uplink to read, or another event to acknowledge. */
export function topicKind(network: MqttConfig['network'], topic: string): { uplink: boolean; event: string } {
  const levels = topic.split('/');
  if (network === 'tts') {
    const last = levels[levels.length - 1] ?? '';
    return { uplink: levels[0] === 'v3' && last === 'up', event: last };
  }
  const i = levels.lastIndexOf('event');
  const event = i >= 0 && i === levels.length - 2 ? levels[i + 1]! : 'other';
  return { uplink: event === 'up', event };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** The MQTT subscriber of a running server. */
export class MqttSubscriber {
  /** One client per session. */
  readonly clients: MqttClient[] = [];
  /** Resolves when every session has subscribed once (rejects when the broker refuses the subscription). */
  readonly ready: Promise<void>;
  private closing = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The client ids of the sessions connected and subscribed now. */
  private readonly subscribed = new Set<string>();
  private readonly messages: Counter;
  private readonly limits: { maxMessageBytes: number };
  /** Refusals logged as warnings; the rest are logged at debug level (all are counted). */
  private refusalsWarned = 0;

  constructor(
    private readonly ctx: ServerContext,
    readonly config: MqttConfig,
    private readonly log: TransportLog,
  ) {
    this.messages = ctx.metrics.counter(
      'murmur_mqtt_messages_total',
      'MQTT messages by result: acked (stored or duplicate), refused (never storable, acked), event (not an uplink, acked), retried (could not be stored now, retried before the ack), unacked (left to the broker to deliver again).',
    );
    this.limits = { maxMessageBytes: ctx.config.bodyLimit };
    ctx.metrics.gauge(
      'murmur_mqtt_sessions_subscribed',
      'MQTT sessions connected to the broker and subscribed.',
      () => this.subscribed.size,
    );
    const ids =
      config.sessions === 1
        ? [config.clientId]
        : Array.from({ length: config.sessions }, (_, i) => `${config.clientId}-${i}`);
    this.ready = Promise.all(ids.map((id) => this.connect(id))).then(() => undefined);
    // Awaited by whoever needs the subscription; a refusal is also logged.
    this.ready.catch(() => undefined);
  }

  private connect(clientId: string): Promise<void> {
    const c = this.config;
    const v5 = c.protocolVersion === 5;
    const options: IClientOptions = {
      clientId,
      clean: false,
      protocolVersion: c.protocolVersion,
      keepalive: 30,
      reconnectPeriod: 1000,
      // A broker that refuses the connection now (unavailable, or credentials still being set up) is tried again.
      reconnectOnConnackError: true,
      connectTimeout: 30_000,
      // Subscribed below on every connection whose session the broker did not keep.
      resubscribe: false,
      ...(c.username === undefined ? {} : { username: c.username }),
      ...(c.password === undefined ? {} : { password: c.password }),
      ...(c.ca === undefined ? {} : { ca: c.ca }),
      ...(v5
        ? {
            properties: {
              sessionExpiryInterval: c.sessionExpirySeconds,
              // The broker sends nothing larger than a message the server would read, plus topic and header.
              maximumPacketSize: this.limits.maxMessageBytes + 4096,
            },
            customHandleAcks: (topic, payload, packet, done) => {
              if ((packet as IPublishPacket).qos === 0) return done(0);
              this.handle(topic, payload).then(
                (code) => done(code),
                (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
              );
            },
          }
        : {}),
    };
    const client = mqtt.connect(c.url, options);
    this.clients.push(client);
    // MQTT 3.1.1 (and QoS 0 in MQTT 5): the PUBACK goes when this callback is called without an error.
    client.handleMessage = (packet, callback) => {
      if (v5 && packet.qos > 0) return callback();
      this.handle(packet.topic, packet.payload as Buffer).then(
        () => callback(),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    };
    // One warning until the session connects again, not one per attempt.
    let failing = false;
    client.on('error', (err) => {
      if (err instanceof NotAcknowledged) return;
      this.log[failing ? 'debug' : 'warn']({ err: err.message, clientId }, 'mqtt: error; retrying');
      failing = true;
    });
    client.on('close', () => this.subscribed.delete(clientId));
    client.on('offline', () => {
      if (!failing) this.log.warn({ clientId }, 'mqtt: disconnected; reconnecting');
      failing = true;
    });
    const topic = subscriptionOf(c);
    let subscribed = false;
    return new Promise<void>((resolve, reject) => {
      client.on('connect', (connack) => {
        // PUBACKs are small and go one at a time: Nagle's algorithm would hold each for the broker's ACK.
        (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
        failing = false;
        this.log.info({ clientId, sessionPresent: connack.sessionPresent }, 'mqtt: connected');
        if (subscribed && connack.sessionPresent) return void this.subscribed.add(clientId);
        client.subscribe(topic, { qos: 1 }, (err, granted) => {
          const refused =
            err ?? (granted?.some((g) => g.qos > 2) ? new Error('refused by the broker') : undefined);
          if (refused) {
            this.log.error({ clientId, topic, err: refused.message }, 'mqtt: subscription refused');
            return reject(
              new MurmurError(`the broker refused the subscription to ${topic}: ${refused.message}`),
            );
          }
          if (!subscribed) this.log.info({ clientId, topic }, 'mqtt: subscribed');
          subscribed = true;
          this.subscribed.add(clientId);
          resolve();
        });
      });
    });
  }

  /** Reads and ingests one message; resolves with the PUBACK's reason code once it is committed. */
  private handle(topic: string, payload: Buffer): Promise<number> {
    const p = this.ingest(topic, payload);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private async ingest(topic: string, payload: Buffer): Promise<number> {
    if (this.closing || this.ctx.stopping) return this.unacked();
    const kind = topicKind(this.config.network, topic);
    if (!kind.uplink) {
      this.messages.inc({ result: 'event' });
      if (this.config.network === 'chirpstack') this.ctx.metrics.events.inc({ event: kind.event });
      return 0;
    }
    let msg: ReadMessage;
    try {
      msg =
        this.config.network === 'tts'
          ? readTtsUplink(payload, this.limits)
          : readChirpstackUp(payload, this.limits);
    } catch (err) {
      return this.refused(topic, err);
    }
    for (let attempt = 0; ; attempt++) {
      if (this.closing || this.ctx.stopping) return this.unacked();
      try {
        const outcome = await this.ctx.ingestor.ingest(msg.received, msg.key);
        await this.ctx.downlinks.observe(msg.received, outcome, { transport: 'mqtt', topic });
        this.messages.inc({ result: 'acked' });
        return 0;
      } catch (err) {
        if (err instanceof MurmurError) return this.refused(topic, err);
        if (err instanceof QueueClosedError) return this.unacked();
        // Queue full or store unavailable: the message waits, unacknowledged, and is tried again.
        this.messages.inc({ result: 'retried' });
        if (attempt === 0) this.log.warn({ err, topic }, 'mqtt: uplink not stored now; retrying');
        await sleep(Math.min(50 * 2 ** attempt, 2000));
      }
    }
  }

  private refused(topic: string, err: unknown): number {
    if (!(err instanceof MurmurError)) throw err;
    this.messages.inc({ result: 'refused' });
    this.ctx.metrics.rejected.inc({ network: this.config.network, status: '400' });
    const level = this.refusalsWarned++ < 10 ? 'warn' : 'debug';
    this.log[level]({ topic, err: err.message }, 'mqtt: message refused (acknowledged, not stored)');
    return PUBACK_PAYLOAD_INVALID;
  }

  private unacked(): never {
    this.messages.inc({ result: 'unacked' });
    throw new NotAcknowledged('left to the broker to deliver again');
  }

  /** Where a downlink published on `topic` went, for its record: the broker (no credentials) and the topic. */
  target(topic: string): string {
    try {
      const u = new URL(this.config.url);
      return `${u.protocol}//${u.host}/${topic}`;
    } catch {
      return topic;
    }
  }

  /**
   * Publishes a downlink at QoS 1 from a connected session: sent once the broker acknowledges it (PUBACK),
   * failed when no session is connected, the broker refuses it, or no PUBACK comes within `timeoutMs`.
   */
  async publishDownlink(topic: string, body: unknown, timeoutMs: number): Promise<DownlinkOutcome> {
    const failed = (error: string): DownlinkOutcome => ({
      status: 'failed',
      responseCode: null,
      error,
      networkRef: null,
    });
    const client = this.clients.find((c) => c.connected);
    if (!client || this.closing)
      return failed(`not connected to the MQTT broker ${redactedBrokerUrl(this.config.url)}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.publishAsync(topic, JSON.stringify(body), { qos: 1 }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `no PUBACK within ${timeoutMs} ms (the session may still deliver it when it reconnects)`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
      return { status: 'sent', responseCode: null, error: null, networkRef: null };
    } catch (err) {
      return failed(`the broker did not take it: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What the server says when it starts. */
  notice(): string {
    const c = this.config;
    const sessions =
      c.sessions === 1
        ? `client id ${c.clientId}`
        : `${c.sessions} sessions ${c.clientId}-0..${c.sessions - 1}`;
    return `mqtt: ${c.network} uplinks from ${redactedBrokerUrl(c.url)}, topic ${subscriptionOf(c)} (QoS 1, persistent session, ${sessions}, MQTT ${c.protocolVersion === 5 ? '5' : '3.1.1'})`;
  }

  /**
   * Stops taking messages, lets those being committed finish and be acknowledged, and disconnects; what is
   * not acknowledged stays in the broker's session for the next start.
   */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await Promise.all(
      this.clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            // A broker that does not answer does not hold the shutdown.
            const timer = setTimeout(() => client.end(true, () => resolve()), 5000);
            timer.unref();
            client.end(false, () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
