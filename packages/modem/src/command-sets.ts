import { atCommandSets, type AtCommandSet } from '@murmur/boards';

/** The AT command sets the transport and the simulator speak: the ones the board schema names. */
export const COMMAND_SETS = atCommandSets;

export type CommandSet = AtCommandSet;

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
