/** The `udp` part of the config file (and `--udp <port>`): where NB-IoT datagrams are received. */
import { z } from 'zod';
import { MurmurError } from '@murmur/core';
import { DEFAULT_MAX_DATAGRAM_BYTES } from '@murmur/lpwan';

export interface UdpConfig {
  port: number;
  host: string;
  /** The largest CBOR body read (default 1,460 bytes). */
  maxBodyBytes: number;
  /**
   * How long after a device's latest datagram a downlink is sent to its address, in seconds (default 30;
   * 0: never). Carrier NATs drop idle UDP bindings, and a device in power saving stops listening.
   */
  downlinkWindowSeconds: number;
}

export const DEFAULT_DOWNLINK_WINDOW_SECONDS = 30;

export const udpConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).optional(),
    maxBodyBytes: z.number().int().min(16).max(65_000).optional(),
    downlinkWindowSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict();

export type UdpConfigFile = z.infer<typeof udpConfigSchema>;

/** The UDP configuration, or undefined when neither the file nor `--udp` gives a port. */
export function resolveUdpConfig(
  c: UdpConfigFile | undefined,
  portOverride: number | undefined,
  host: string,
  file?: string,
): UdpConfig | undefined {
  const port = portOverride ?? c?.port;
  if (port === undefined) {
    if (c !== undefined)
      throw new MurmurError('missing: the port to receive datagrams on (or give --udp <port>)', {
        ...(file === undefined ? {} : { file }),
        field: 'udp.port',
      });
    return undefined;
  }
  return {
    port,
    host: c?.host ?? host,
    maxBodyBytes: c?.maxBodyBytes ?? DEFAULT_MAX_DATAGRAM_BYTES,
    downlinkWindowSeconds: c?.downlinkWindowSeconds ?? DEFAULT_DOWNLINK_WINDOW_SECONDS,
  };
}
