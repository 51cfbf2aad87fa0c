export { loraAirtime, uplinkAirtimeMs, uplinkBudget, LORAWAN_OVERHEAD_BYTES } from './airtime';
export { regionOf, dataRatesFitting, UPLINK_DATA_RATES } from './regions';
export {
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_GATEWAYS,
  MAX_GATEWAY_ID_LENGTH,
  type JsonIngestOptions,
  type Uplink,
} from './uplink';
export { fromTtsUplink } from './tts';
export { fromChirpstackUp } from './chirpstack';
export { fromPhyPayload, buildPhyPayload, type AbpSession, type PhyOptions } from './phy';
export { fromNbiotDatagram, DEFAULT_MAX_DATAGRAM_BYTES, type DatagramMeta, type NbiotOptions } from './nbiot';
