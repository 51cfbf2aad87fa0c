/**
 * The transports besides the HTTP webhooks that a server starts with its config: MQTT (`mqtt`, `--mqtt`)
 * and NB-IoT datagrams over UDP (`udp`, `--udp`). Each ingests through `context.ingestor` and acknowledges
 * only what is committed; closing one stops it taking messages and lets those in flight be answered.
 */
import type { ServerContext } from './context';
import { MqttSubscriber } from './mqtt/subscriber';
import { NbiotReceiver, type TransportLog } from './nbiot/udp';

export interface Transports {
  mqtt?: MqttSubscriber;
  udp?: NbiotReceiver;
  /** What the server says about them when it starts. */
  notices: string[];
  /** Stops them; resolves once what they have in flight is committed and answered. */
  close(): Promise<void>;
}

export async function startTransports(ctx: ServerContext, log: TransportLog): Promise<Transports> {
  const { config } = ctx;
  const udp = config.udp ? await NbiotReceiver.start(ctx, config.udp, log) : undefined;
  const mqtt = config.mqtt ? new MqttSubscriber(ctx, config.mqtt, log) : undefined;
  const notices: string[] = [];
  if (udp)
    notices.push(
      `udp: NB-IoT datagrams on ${config.udp!.host}:${udp.port} (not authenticated: receive them on a private network or APN)`,
    );
  if (mqtt) notices.push(mqtt.notice());
  return {
    ...(mqtt ? { mqtt } : {}),
    ...(udp ? { udp } : {}),
    notices,
    close: async () => {
      await Promise.all([mqtt?.close(), udp?.close()]);
    },
  };
}
