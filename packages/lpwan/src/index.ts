export * from './airtime';
export * from './regions';
export * from './uplink';
export * from './tts';
export * from './chirpstack';
export * from './phy';
export * from './nbiot';
