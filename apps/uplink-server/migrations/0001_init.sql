-- The uplink server's schema, the same for PGlite and PostgreSQL.

-- Every device the server has seen or the config file names: DevEUI (or an NB-IoT IMEI) to app.
CREATE TABLE devices (
  dev_eui TEXT PRIMARY KEY,
  -- the network's own id of the device: TTS device_id, ChirpStack deviceName
  device_id TEXT,
  -- the app whose payload schema decodes its uplinks; NULL while no app can be inferred
  app TEXT,
  -- how the app was chosen: 'config' (the config file, always wins), 'fport' (the only app on the uplink's
  -- fPort), 'none' (no app, or several, on that fPort)
  registered_by TEXT NOT NULL,
  network TEXT NOT NULL,
  first_seen TIMESTAMPTZ,
  last_seen TIMESTAMPTZ,
  last_f_cnt BIGINT,
  uplinks BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_device_id ON devices (device_id);

-- One row per uplink, stored once: the network's deduplication key is unique.
CREATE TABLE uplinks (
  id BIGSERIAL PRIMARY KEY,
  -- 'tts', 'chirpstack', later 'nbiot'
  network TEXT NOT NULL,
  -- TTS: dev_eui:session_key_id:f_cnt; ChirpStack: deduplicationId; NB-IoT: imei:sequence
  dedup_key TEXT NOT NULL,
  dev_eui TEXT NOT NULL,
  device_id TEXT,
  app TEXT,
  f_port INTEGER NOT NULL,
  f_cnt BIGINT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- the application payload as received
  payload BYTEA NOT NULL,
  schema_name TEXT,
  -- the version in the payload header (also when decoding failed)
  schema_version INTEGER,
  -- the decoded object; NULL when there was no app or decoding failed
  data JSONB,
  errors JSONB NOT NULL,
  warnings JSONB NOT NULL,
  rssi DOUBLE PRECISION,
  snr DOUBLE PRECISION,
  spreading_factor INTEGER,
  frequency_hz BIGINT,
  airtime_ms DOUBLE PRECISION,
  -- [{id, rssi, snr}] per gateway that received it
  gateways JSONB NOT NULL,
  -- why it is an alert: 'alert', 'sensor_fault', 'state:<fault state>'; empty when it is none
  alert_reasons JSONB NOT NULL,
  alert BOOLEAN NOT NULL,
  CONSTRAINT uplinks_dedup UNIQUE (network, dedup_key)
);
CREATE INDEX uplinks_device_time ON uplinks (dev_eui, received_at DESC, id DESC);
CREATE INDEX uplinks_time ON uplinks (received_at DESC, id DESC);
CREATE INDEX uplinks_alerts ON uplinks (received_at DESC, id DESC) WHERE alert;
