export { loraAirtime, uplinkAirtimeMs, uplinkBudget, LORAWAN_OVERHEAD_BYTES } from './airtime';
export { regionOf, dataRatesFitting, UPLINK_DATA_RATES } from './regions';
export { fromTtsUplink } from './tts';
export { fromChirpstackUp } from './chirpstack';
export { fromPhyPayload, buildPhyPayload, type AbpSession } from './phy';
export { fromNbiotDatagram } from './nbiot';
