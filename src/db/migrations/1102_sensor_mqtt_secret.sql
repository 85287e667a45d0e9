-- 1102_sensor_mqtt_secret.sql — the MQTT broker's password becomes a write-only secret, sealed
-- at rest under the server's key (DATA/notify.key, as the notification channels' and the
-- provincial upload's secrets), never shown and never answered by the API.
--
-- A plain value a plant had put in the setting sensor.mqtt_password is sealed into this table
-- and the setting emptied by `serve` at start-up (sensor_mqtt_start): SQL cannot seal it.
CREATE TABLE sensor_secrets (
  name TEXT PRIMARY KEY CHECK (name IN ('mqtt_password')),
  sealed TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
