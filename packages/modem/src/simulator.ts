/**
 * A modem simulator: answers like the real modules (RN2483, Wio-E5, RAK3172/RUI3, Murata with the
 * MKR WAN AT firmware, Quectel BG96) on a byte stream, and turns every uplink it is asked to send into
 * a LoRaWAN frame and a The Things Stack message (LoRaWAN modems) or a UDP datagram (BG96).
 */
import { fromHex } from '@murmur/payload';
import type { CommandSet } from './command-sets';
import { LorawanNetwork, type DeliveredUplink } from './network';

/**
 * A fault injected into the next uplink command, in order, one per attempt: the module replies busy,
 * no free channel / duty-cycle restricted, not joined, a failed transmission, a generic error, or
 * nothing at all (`silent`).
 */
export type ModemFault = 'busy' | 'no-channel' | 'not-joined' | 'tx-failed' | 'error' | 'silent';

/** A UDP datagram a socket modem sent. */
export interface SentDatagram {
  host: string;
  port: number;
  body: Uint8Array;
}

export interface ModemSimulatorOptions {
  commandSet: CommandSet;
  /** Where the simulated module's output goes (the device's UART receive line). */
  write: (bytes: Uint8Array) => void;
  /** The LoRaWAN session and network server (default: TEST_DEVICE, DEFAULT_RADIO). */
  network?: LorawanNetwork;
  faults?: ModemFault[];
  onUplink?: (uplink: DeliveredUplink) => void;
  onDatagram?: (datagram: SentDatagram) => void;
}

type Reply = string[];

const MAX_LINE = 1024;
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const isHex = (s: string): boolean => s.length % 2 === 0 && /^[0-9A-Fa-f]*$/.test(s);

/** The module side of one UART. Feed it the device's bytes with `receive`. */
export class ModemSimulator {
  /** Every uplink delivered, in order. */
  readonly uplinks: DeliveredUplink[] = [];
  readonly datagrams: SentDatagram[] = [];
  /** Every command line received, for inspection. */
  readonly commands: string[] = [];
  private line = '';
  private raw: { length: number; bytes: number[]; then: (bytes: Uint8Array) => void } | undefined;
  /** The last command line ended with CR, so an LF right after it belongs to that line end. */
  private lfEndsLine = false;
  private readonly faults: ModemFault[];
  private fPort = 1;
  private socket: { host: string; port: number } | undefined;
  readonly network: LorawanNetwork;

  constructor(private readonly options: ModemSimulatorOptions) {
    this.faults = [...(options.faults ?? [])];
    this.network = options.network ?? new LorawanNetwork();
  }

  /** Bytes from the device. */
  receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      const lfEndsLine = this.lfEndsLine;
      this.lfEndsLine = false;
      if (this.raw) {
        // BG96: the LF of the AT+QISEND line's CR LF is not data (the device waits for the prompt).
        if (lfEndsLine && byte === 0x0a && this.options.commandSet === 'bg96' && this.raw.bytes.length === 0)
          continue;
        this.raw.bytes.push(byte);
        if (this.raw.bytes.length === this.raw.length) {
          const { then, bytes: got } = this.raw;
          this.raw = undefined;
          then(Uint8Array.from(got));
        }
        continue;
      }
      if (byte === 0x0d || byte === 0x0a) {
        this.lfEndsLine = byte === 0x0d;
        const line = this.line;
        this.line = '';
        if (line.length > 0) this.command(line);
      } else if (this.line.length < MAX_LINE) {
        this.line += String.fromCharCode(byte);
      }
    }
  }

  private send(lines: Reply, terminator = '\r\n'): void {
    for (const l of lines) this.options.write(latin1(l + terminator));
  }

  private nextFault(): ModemFault | undefined {
    return this.faults.shift();
  }

  private deliver(fPort: number, payload: Uint8Array): void {
    const uplink = this.network.deliver(fPort, payload);
    this.uplinks.push(uplink);
    this.options.onUplink?.(uplink);
  }

  private command(line: string): void {
    this.commands.push(line);
    switch (this.options.commandSet) {
      case 'rn2483':
        return this.rn2483(line);
      case 'wio-e5':
        return this.wioE5(line);
      case 'rak3172':
        return this.rak3172(line);
      case 'murata-cmwx1zzabz':
        return this.murata(line);
      case 'bg96':
        return this.bg96(line);
    }
  }

  private rn2483(line: string): void {
    if (line === 'sys get ver') return this.send(['RN2483 1.0.5 Oct 31 2018 15:06:52']);
    const tx = /^mac tx (uncnf|cnf) (\d+) ([0-9A-Fa-f]+)$/.exec(line);
    if (!tx) return this.send(['invalid_param']);
    const port = Number(tx[2]);
    if (port < 1 || port > 223 || !isHex(tx[3]!)) return this.send(['invalid_param']);
    const fault = this.nextFault();
    if (fault === 'silent') return;
    const first: Record<string, string> = {
      busy: 'busy',
      'no-channel': 'no_free_ch',
      'not-joined': 'not_joined',
      error: 'invalid_param',
    };
    if (fault && first[fault]) return this.send([first[fault]]);
    this.send(['ok']);
    if (fault === 'tx-failed') return this.send(['mac_err']);
    this.deliver(port, fromHex(tx[3]!));
    this.send(['mac_tx_ok']);
  }

  private wioE5(line: string): void {
    if (line === 'AT') return this.send(['+AT: OK']);
    const port = /^AT\+PORT=(\d+)$/.exec(line);
    if (port) {
      const p = Number(port[1]);
      if (p < 1 || p > 223) return this.send(['+PORT: ERROR(-1)']);
      this.fPort = p;
      return this.send([`+PORT: ${p}`]);
    }
    const msg = /^AT\+MSGHEX="?([0-9A-Fa-f ]*)"?$/.exec(line);
    if (!msg) return this.send(['+AT: ERROR(-1)']);
    const hex = msg[1]!.replace(/ /g, '');
    if (!isHex(hex)) return this.send(['+MSGHEX: ERROR(-1)']);
    const fault = this.nextFault();
    if (fault === 'silent') return;
    if (fault === 'busy') return this.send(['+MSGHEX: LoRaWAN modem is busy']);
    if (fault === 'no-channel') return this.send(['+MSGHEX: Start', '+MSGHEX: No free channel']);
    if (fault === 'not-joined') return this.send(['+MSGHEX: Please join network first']);
    if (fault === 'tx-failed' || fault === 'error') return this.send(['+MSGHEX: ERROR(-1)']);
    this.send(['+MSGHEX: Start']);
    this.deliver(this.fPort, fromHex(hex));
    this.send(['+MSGHEX: Done']);
  }

  private rak3172(line: string): void {
    if (line === 'AT') return this.send(['OK']);
    const send = /^AT\+SEND=(\d+):([0-9A-Fa-f]*)$/.exec(line);
    if (!send) return this.send(['AT_ERROR']);
    const port = Number(send[1]);
    if (port < 1 || port > 223 || !isHex(send[2]!) || send[2]!.length === 0)
      return this.send(['AT_PARAM_ERROR']);
    const fault = this.nextFault();
    if (fault === 'silent') return;
    const errors: Record<string, string> = {
      busy: 'AT_BUSY_ERROR',
      'no-channel': 'AT_DUTYCYCLE_RESTRICTED',
      'not-joined': 'AT_NO_NETWORK_JOINED',
      error: 'AT_ERROR',
      'tx-failed': 'AT_ERROR',
    };
    if (fault) return this.send([errors[fault]!]);
    this.send(['OK']);
    this.deliver(port, fromHex(send[2]!));
    this.send(['+EVT:TX_DONE']);
  }

  /** The MKR WAN AT firmware ends its replies with CR only. */
  private murata(line: string): void {
    const reply = (l: string): void => this.send([l], '\r');
    if (line === 'AT') return reply('+OK');
    const port = /^AT\+PORT=(\d+)$/.exec(line);
    if (port) {
      const p = Number(port[1]);
      if (p < 1 || p > 223) return reply('+ERR_PARAM');
      this.fPort = p;
      return reply('+OK');
    }
    const utx = /^AT\+UTX (\d+)$/.exec(line);
    if (!utx) return reply('+ERR');
    const length = Number(utx[1]);
    if (length < 1 || length > 64) return reply('+ERR_PARAM_OVERFLOW');
    this.raw = {
      length,
      bytes: [],
      then: (bytes) => {
        const fault = this.nextFault();
        if (fault === 'silent') return;
        const errors: Record<string, string> = {
          busy: '+ERR_BUSY',
          'no-channel': '+ERR_BUSY',
          'not-joined': '+ERR_NO_NETWORK',
          'tx-failed': '+ERR_RX',
          error: '+ERR',
        };
        if (fault) return reply(errors[fault]!);
        this.deliver(this.fPort, bytes);
        reply('+OK');
      },
    };
  }

  private bg96(line: string): void {
    if (line === 'AT' || line === 'ATE0') return this.send(['OK']);
    const open = /^AT\+QIOPEN=1,0,"UDP","([^"]+)",(\d+),0,1$/.exec(line);
    if (open) {
      if (this.socket) return this.send(['OK', '+QIOPEN: 0,563']);
      this.socket = { host: open[1]!, port: Number(open[2]) };
      return this.send(['OK', '+QIOPEN: 0,0']);
    }
    if (line === 'AT+QICLOSE=0') {
      this.socket = undefined;
      return this.send(['OK']);
    }
    const qisend = /^AT\+QISEND=0,(\d+)$/.exec(line);
    if (!qisend || !this.socket) return this.send(['ERROR']);
    const length = Number(qisend[1]);
    if (length < 1 || length > 1460) return this.send(['ERROR']);
    const socket = this.socket;
    this.options.write(latin1('> '));
    this.raw = {
      length,
      bytes: [],
      then: (body) => {
        const fault = this.nextFault();
        if (fault === 'silent') return;
        if (fault === 'error') return this.send(['ERROR']);
        if (fault) return this.send(['SEND FAIL']);
        const datagram = { host: socket.host, port: socket.port, body };
        this.datagrams.push(datagram);
        this.options.onDatagram?.(datagram);
        this.send(['SEND OK']);
      },
    };
  }
}
