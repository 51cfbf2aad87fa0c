export { startServer, closeOnSignals, accessNotices, type RunningServer, type StartOptions } from './server';
export { serve, type ServeOptions, type ServeIo } from './serve';
export {
  resolveConfig,
  readConfigFile,
  checkConfig,
  secretEnvOf,
  DEFAULT_PORT,
  DEFAULT_HOST,
  DEFAULT_DB_DIR,
  DEFAULT_BODY_LIMIT,
  type ServerConfig,
  type ConfigFile,
  type ConfigOverrides,
  type QueueConfig,
} from './config';
export { Ingestor, alertReasons, type ReceivedUplink, type IngestOutcome } from './ingest';
export {
  GroupCommitQueue,
  QueueFullError,
  QueueClosedError,
  DEFAULT_QUEUE,
  type GroupCommitOptions,
} from './queue';
export { readTtsUplink, type ReadMessage } from './networks/tts';
export { readChirpstackUp, chirpstackEvent, CHIRPSTACK_EVENTS } from './networks/chirpstack';
export { AppCatalog, catalogOf, loadCatalog } from './catalog';
export { DeviceRegistry } from './registry';
export { UplinkHub } from './hub';
export { ServerMetrics } from './metrics';
export { checkAccess, isLoopback, secretOf, type Secret, type Access } from './auth';
export {
  replay,
  replaySource,
  replayMessages,
  replayDevice,
  type ReplaySource,
  type ReplayResult,
} from './replay';
export * from './store';
export type { ServerContext } from './context';
export { startTransports, type Transports } from './transports';
export { MqttSubscriber, NotAcknowledged, PUBACK_PAYLOAD_INVALID, topicKind } from './mqtt/subscriber';
export {
  resolveMqttConfig,
  defaultTopic,
  subscriptionOf,
  MQTT_PASSWORD_ENV,
  type MqttConfig,
  type MqttNetwork,
} from './mqtt/config';
export { NbiotReceiver, readNbiotUplink, cborVersion } from './nbiot/udp';
export {
  readNbiotDatagram,
  nbiotDatagram,
  nbiotAck,
  readNbiotAck,
  nbiotDownlink,
  readNbiotDownlink,
  NBIOT_DOWNLINK_FLAG,
  nbiotKey,
  NBIOT_ACK,
  NBIOT_HEADER_BYTES,
  type NbiotFrame,
  type NbiotAckStatus,
} from './nbiot/framing';
export { resolveUdpConfig, type UdpConfig } from './nbiot/config';
export { Sealer, parseStoreKey, STORE_KEY_ENV } from './downlinks/seal';
