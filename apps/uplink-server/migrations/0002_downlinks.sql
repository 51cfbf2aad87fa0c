-- Downlinks: where a device's network takes them, what was sent, and what the network answered.

-- How to reach a device through a network, from its latest uplink through that network. TTS: the webhook's
-- X-Downlink-Push / X-Downlink-Replace URLs and X-Downlink-Apikey; ChirpStack: the application id (the
-- queue is addressed by DevEUI on the API the config names).
CREATE TABLE downlink_routes (
  dev_eui TEXT NOT NULL,
  network TEXT NOT NULL,
  push_url TEXT,
  replace_url TEXT,
  api_key TEXT,
  application_id TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (dev_eui, network)
);

-- One row per downlink asked for: 'pending' while the network is asked, then 'sent' (the network queued
-- it) or 'failed' (it refused, failed or did not answer).
CREATE TABLE downlinks (
  id BIGSERIAL PRIMARY KEY,
  dev_eui TEXT NOT NULL,
  app TEXT NOT NULL,
  f_port INTEGER NOT NULL,
  -- the encoded downlink payload
  payload BYTEA NOT NULL,
  -- the value it encodes, as asked for
  value JSONB NOT NULL,
  confirmed BOOLEAN NOT NULL,
  -- 'push' (after what is queued) or 'replace' (instead of it)
  mode TEXT NOT NULL,
  network TEXT NOT NULL,
  -- the URL asked (no credentials)
  target TEXT,
  status TEXT NOT NULL,
  response_code INTEGER,
  error TEXT,
  -- the network's id of the queued downlink, where it gives one (ChirpStack)
  network_ref TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at TIMESTAMPTZ
);
CREATE INDEX downlinks_device ON downlinks (dev_eui, id DESC);

-- Deliveries of an uplink already stored (a network's retry, a second delivery), per device: refused by the
-- deduplication key, so not in uplinks, but part of a device's link quality.
CREATE TABLE device_redeliveries (
  dev_eui TEXT PRIMARY KEY,
  count BIGINT NOT NULL,
  last_at TIMESTAMPTZ NOT NULL
);
