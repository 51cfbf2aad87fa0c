/**
 * The simulator on a loopback TCP port, the form QEMU's `-serial tcp:127.0.0.1:<port>` (or any UART
 * bridge) connects to. BG96 datagrams can also be sent on as real UDP datagrams.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { MurmurError } from '@murmur/core';
import { ModemSimulator, type ModemSimulatorOptions, type SentDatagram } from './simulator';

export interface ServedModem {
  /** The TCP port on 127.0.0.1. */
  port: number;
  simulator: ModemSimulator;
  /** Bytes received from and sent to the device. */
  traffic: { fromDevice: number; toDevice: number };
  /** Stops listening and drops the connection. */
  close(): Promise<void>;
}

export interface ServeOptions extends Omit<ModemSimulatorOptions, 'write'> {
  /** BG96: also send every datagram as UDP to its host and port (loopback addresses only). */
  forwardUdp?: boolean;
}

const loopback = (host: string): boolean => host === 'localhost' || /^127\./.test(host) || host === '::1';

function forwardDatagram(datagram: SentDatagram): void {
  if (!loopback(datagram.host))
    throw new MurmurError(`refusing to forward a datagram to non-loopback host '${datagram.host}'`, {
      field: 'host',
    });
  const udp = createSocket(datagram.host.includes(':') ? 'udp6' : 'udp4');
  udp.send(datagram.body, datagram.port, datagram.host, () => udp.close());
}

/** Listens on 127.0.0.1 (an ephemeral port); the simulator answers the most recent connection. */
export async function serveModem(options: ServeOptions): Promise<ServedModem> {
  const sockets = new Set<Socket>();
  const traffic = { fromDevice: 0, toDevice: 0 };
  let current: Socket | undefined;
  const simulator = new ModemSimulator({
    ...options,
    write: (bytes) => {
      traffic.toDevice += bytes.length;
      current?.write(bytes);
    },
    onDatagram: (datagram) => {
      if (options.forwardUdp) forwardDatagram(datagram);
      options.onDatagram?.(datagram);
    },
  });
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    current = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      traffic.fromDevice += chunk.length;
      simulator.receive(chunk);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new MurmurError('no TCP port for the modem');
  return {
    port: address.port,
    simulator,
    traffic,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
