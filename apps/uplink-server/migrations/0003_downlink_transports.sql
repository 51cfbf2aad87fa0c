-- Downlinks over the transport that carried a device's latest uplink, and API keys sealed at rest.

-- The transport of the latest uplink through the network: 'http' (a webhook), 'mqtt' (the network's MQTT
-- integration). A device whose uplinks come over MQTT gets its downlinks published there.
ALTER TABLE downlink_routes ADD COLUMN transport TEXT NOT NULL DEFAULT 'http';
-- The topic of the latest uplink over MQTT; the downlink topic is made from it (TTS
-- v3/{app}@{tenant}/devices/{device_id}/up -> .../down/push; ChirpStack
-- application/{application_id}/device/{dev_eui}/event/up -> .../command/down).
ALTER TABLE downlink_routes ADD COLUMN mqtt_topic TEXT;

-- The TTS downlink API key (X-Downlink-Apikey) is no longer kept in plain text: it is sealed with AES-256-GCM
-- under the server's store key ('v1.' and base64url of IV, ciphertext and tag, bound to the device and the
-- network), or, without a store key, kept in the server's memory only. Keys stored in plain text by an
-- earlier version are dropped: The Things Stack sends the key again with the device's next uplink.
ALTER TABLE downlink_routes DROP COLUMN api_key;
ALTER TABLE downlink_routes ADD COLUMN api_key_sealed TEXT;
