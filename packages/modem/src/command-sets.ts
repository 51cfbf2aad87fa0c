/** The AT command sets the transport and the simulator speak, by the name boards/*.json use. */
export const COMMAND_SETS = ['rn2483', 'wio-e5', 'rak3172', 'murata-cmwx1zzabz', 'bg96'] as const;

export type CommandSet = (typeof COMMAND_SETS)[number];

/** What a command set carries: a LoRaWAN uplink (FPort + FRMPayload) or a UDP datagram (NB-IoT / LTE-M). */
export function linkOf(set: CommandSet): 'lorawan' | 'udp' {
  return set === 'bg96' ? 'udp' : 'lorawan';
}

/** The C symbol of a command set's table in c/sets/. */
export function cTableOf(set: CommandSet): string {
  return `murmur_modem_${set.replace(/-/g, '_')}`;
}

export function isCommandSet(name: string): name is CommandSet {
  return (COMMAND_SETS as readonly string[]).includes(name);
}
