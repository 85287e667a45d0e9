-- 0020_notify_outbox.sql — notifications that leave the server: channels (with their
-- credentials, encrypted), the routing table, each person's preferences, and the outbox the
-- sender thread delivers from (src/notify/). Written in the caller's transaction, so an event
-- and its messages are stored together or not at all.

-- A channel: an SMTP server, a 企业微信 or 钉钉 group robot (per unit), an SMS gateway, or an
-- integrator's webhook. `settings` is JSON without secrets (from address, sign name, template
-- code, user name); `secret` is the password/key/robot secret sealed with libsodium's
-- secretbox under DATA/notify.key (hex of nonce || box), never shown back.
CREATE TABLE notify_channels (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('smtp', 'wecom', 'dingtalk', 'sms_aliyun', 'sms_http', 'webhook')),
  name TEXT NOT NULL,
  unit_id INTEGER REFERENCES units(id),
  url TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '{}',
  secret TEXT NOT NULL DEFAULT '',
  per_minute INTEGER NOT NULL DEFAULT 20,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Routing: which event kinds go out by which channel kind, and whether they are urgent
-- (urgent messages ignore quiet hours and digests). `kind` is an event kind
-- ('hazard.major') or a prefix ending in '*' ('hazard.*', '*').
CREATE TABLE notify_routes (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  channel_kind TEXT NOT NULL,
  urgent INTEGER NOT NULL DEFAULT 0,
  UNIQUE (kind, channel_kind)
);
-- The defaults of issue 15: a major hazard or gas alarm by SMS at once (and the app); an
-- escalation to the person and the workshop robot; certificate and equipment warnings by
-- e-mail; every event to integrators' webhooks.
INSERT INTO notify_routes (kind, channel_kind, urgent) VALUES
  ('hazard.major', 'sms_aliyun', 1), ('hazard.major', 'sms_http', 1),
  ('hazard.major', 'wecom', 1), ('hazard.major', 'dingtalk', 1),
  ('gas.alarm', 'sms_aliyun', 1), ('gas.alarm', 'sms_http', 1),
  ('hazard.escalate', 'wecom', 0), ('hazard.escalate', 'dingtalk', 0),
  ('hazard.assigned', 'wecom', 0), ('hazard.assigned', 'dingtalk', 0),
  ('cert_warning', 'smtp', 0), ('equip_inspection', 'smtp', 0),
  ('hazard.equipment', 'smtp', 0),
  ('*', 'webhook', 0);

-- A person's choices: the channel kinds they accept ('' = all routed ones), quiet hours in
-- local minutes of the day (from = to: none), and a digest at 08:00 instead of single messages.
CREATE TABLE notify_prefs (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  email TEXT NOT NULL DEFAULT '',
  channels TEXT NOT NULL DEFAULT '',
  quiet_from INTEGER NOT NULL DEFAULT 0,
  quiet_to INTEGER NOT NULL DEFAULT 0,
  digest INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0
);

-- The outbox: one row per recipient and channel. idem_key (event dedup key, channel,
-- recipient) is unique, so an event written twice yields one message. State:
--   queued → sending → sent; sending → retrying (back-off) → ... → dead after N attempts.
-- `sending` rows found at start-up were cut off by a crash and go back to retrying with
-- the same idem_key (sent as Message-ID / X-Anquan-Delivery, so receivers can drop a repeat).
-- `digest` rows wait for the 08:00 digest and are sent together.
CREATE TABLE notify_outbox (
  id INTEGER PRIMARY KEY,
  idem_key TEXT NOT NULL UNIQUE,
  channel_id INTEGER NOT NULL REFERENCES notify_channels(id),
  user_id INTEGER REFERENCES users(id),
  address TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'zh',
  kind TEXT NOT NULL,
  urgent INTEGER NOT NULL DEFAULT 0,
  digest INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'sent', 'retrying', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notify_outbox_due ON notify_outbox (state, due_at);
CREATE INDEX notify_outbox_channel ON notify_outbox (channel_id, state);

-- Each request a channel made, for its per-minute limit (kept an hour; a DingTalk robot
-- over 20 a minute is blocked for 10 minutes, so the limit must survive a restart).
CREATE TABLE notify_sends (
  channel_id INTEGER NOT NULL REFERENCES notify_channels(id),
  at BIGINT NOT NULL
);
CREATE INDEX notify_sends_channel ON notify_sends (channel_id, at);

-- What a test message / demo delivery would have said, for the viewer page (demo mode and
-- the channels' dry runs write here instead of the network).
CREATE TABLE notify_viewer (
  id INTEGER PRIMARY KEY,
  channel_kind TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
