-- 1000_ppe.sql — protective equipment and incentives (劳动防护用品 · 积分兑换 · 安全贡献):
-- the catalogue of items, what each position and each permit type requires, stores and their
-- stock, the signed issue ledger (劳动防护用品发放台账), what each person holds, and the
-- redemption side of the points ledger that the hazard module began (table `points`).
--
-- GB 39800.1-2020 (个体防护装备配备规范 第1部分：总则, issued 2020-12-24, in force 2022-01-01)
-- asks the employer to choose equipment from the hazards of each workplace and post, to keep
-- a traceable issue record (追踪溯源), and to withdraw and replace equipment that is worn out
-- or past its life (判废和更换). It does not fix one list for every plant, nor replacement
-- periods: those follow the product standards and the maker's instructions. What was checked:
-- the standard's number, title, dates and scope (it excludes firefighters' equipment). What
-- was not checked against a text here: the product standards named on each item below and the
-- default cycles and shelf lives, which are this plant's starting values — every one of them
-- is a row the safety department edits (PUT /api/v1/ppe/items/:id), and so are the position
-- lists and the permit requirements with their warn/block level.
--
-- Days are local calendar days since 1970-01-01 (base/day.h), times UTC seconds.

-- An item. kind: head, eye_face, hearing, respiratory, hand, foot, body, fall, other.
-- cycle_days and cycle_uses: the replacement cycle (one of them at least; never 0 or below).
-- shelf_days: life from manufacture or receipt in store (e.g. filter cartridges), or NULL.
-- permit_only = 1: issued only against a permit number (breathing apparatus for 受限空间).
CREATE TABLE ppe_items (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('head', 'eye_face', 'hearing', 'respiratory', 'hand', 'foot', 'body', 'fall', 'other')),
  standard TEXT NOT NULL DEFAULT '',
  protection_class TEXT NOT NULL DEFAULT '',
  sizes TEXT NOT NULL DEFAULT '',
  cycle_days INTEGER CHECK (cycle_days IS NULL OR cycle_days > 0),
  cycle_uses INTEGER CHECK (cycle_uses IS NULL OR cycle_uses > 0),
  shelf_days INTEGER CHECK (shelf_days IS NULL OR shelf_days > 0),
  permit_only INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  CHECK (cycle_days IS NOT NULL OR cycle_uses IS NOT NULL)
);

-- 岗位配备标准: the items (and how many) each position must hold.
CREATE TABLE ppe_position_items (
  position_id INTEGER NOT NULL REFERENCES positions(id),
  item_id INTEGER NOT NULL REFERENCES ppe_items(id),
  qty INTEGER NOT NULL DEFAULT 1 CHECK (qty > 0),
  PRIMARY KEY (position_id, item_id)
);

-- What a permit type requires of its workers, its guardian or both. Items of one alt_group
-- are alternatives (受限空间: 正压式空气呼吸器 or 长管呼吸器, either one suffices).
-- level: warn (shown on the permit) or block (the permit is refused, as a lapsed certificate
-- is). Shipped as warn: a plant turns an item to block when its issue ledger is complete.
CREATE TABLE ppe_permit_items (
  id INTEGER PRIMARY KEY,
  permit_type TEXT NOT NULL REFERENCES permit_types(code),
  item_id INTEGER NOT NULL REFERENCES ppe_items(id),
  who TEXT NOT NULL DEFAULT 'workers' CHECK (who IN ('workers', 'guardian', 'all')),
  alt_group TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL DEFAULT 'warn' CHECK (level IN ('warn', 'block')),
  UNIQUE (permit_type, item_id, who)
);

CREATE TABLE ppe_stores (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- Stock on hand. qty >= 0 is the last guard: an issue decrements with
-- "UPDATE ... SET qty = qty - n WHERE qty >= n" and refuses when no row changed.
CREATE TABLE ppe_stock (
  store_id INTEGER NOT NULL REFERENCES ppe_stores(id),
  item_id INTEGER NOT NULL REFERENCES ppe_items(id),
  qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0),
  PRIMARY KEY (store_id, item_id)
);

-- The ledger of stock movements: receipt, issue, return (back to stock), dispose (判废).
CREATE TABLE ppe_moves (
  id INTEGER PRIMARY KEY,
  store_id INTEGER NOT NULL REFERENCES ppe_stores(id),
  item_id INTEGER NOT NULL REFERENCES ppe_items(id),
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'return', 'dispose')),
  qty INTEGER NOT NULL CHECK (qty > 0),
  holder_id INTEGER REFERENCES users(id),
  holding_id INTEGER,
  made_on INTEGER,
  note TEXT NOT NULL DEFAULT '',
  by_user INTEGER REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX ppe_moves_store ON ppe_moves(store_id, at);

-- One piece held by a person (qty pieces of one issue). state: held, returned, disposed.
-- confirmed_at: the person's own confirmation of receipt (签收) on the phone; 0 until then.
-- due_on: the replacement day (the cycle from issue, or the shelf life, whichever is first);
-- NULL for items replaced by uses only. uses: uses recorded against cycle_uses.
CREATE TABLE ppe_holdings (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  item_id INTEGER NOT NULL REFERENCES ppe_items(id),
  store_id INTEGER NOT NULL REFERENCES ppe_stores(id),
  qty INTEGER NOT NULL CHECK (qty > 0),
  size TEXT NOT NULL DEFAULT '',
  issued_on INTEGER NOT NULL,
  due_on INTEGER,
  uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
  permit_no TEXT NOT NULL DEFAULT '',
  redemption_id INTEGER,
  state TEXT NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'returned', 'disposed')),
  confirmed_at BIGINT NOT NULL DEFAULT 0,
  issued_by INTEGER REFERENCES users(id),
  issued_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ppe_holdings_user ON ppe_holdings(user_id, state, item_id);
CREATE INDEX ppe_holdings_unit ON ppe_holdings(unit_id, state);

-- Points the hazard module awards go to `points`; this module adds checks done and near
-- misses there (ref names the record, so the job awards each once) ...
ALTER TABLE points ADD COLUMN ref TEXT;
CREATE UNIQUE INDEX points_ref ON points(ref, user_id) WHERE ref IS NOT NULL;
CREATE INDEX points_user ON points(user_id, at);

-- ... and keeps what each person has spent. The debit is one conditional UPDATE
-- (spent + cost <= earned), so of two redemptions racing for the last points one changes the
-- row and the other finds nothing to change.
CREATE TABLE ppe_wallets (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  spent BIGINT NOT NULL DEFAULT 0 CHECK (spent >= 0)
);

-- 兑换目录, set by the safety department: an item from a store's stock, or hours off.
CREATE TABLE ppe_rewards (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('item', 'time_off')),
  name TEXT NOT NULL,
  item_id INTEGER REFERENCES ppe_items(id),
  store_id INTEGER REFERENCES ppe_stores(id),
  hours INTEGER CHECK (hours IS NULL OR hours > 0),
  cost INTEGER NOT NULL CHECK (cost > 0),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  CHECK ((kind = 'item' AND item_id IS NOT NULL AND store_id IS NOT NULL) OR (kind = 'time_off' AND hours IS NOT NULL))
);

-- A redemption. state: done (an item, issued at once), pending (time off, waiting for the
-- team leader), approved, refused (the points go back).
CREATE TABLE ppe_redemptions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  reward_id INTEGER NOT NULL REFERENCES ppe_rewards(id),
  cost INTEGER NOT NULL CHECK (cost > 0),
  hours INTEGER,
  holding_id INTEGER REFERENCES ppe_holdings(id),
  state TEXT NOT NULL CHECK (state IN ('done', 'pending', 'approved', 'refused')),
  at BIGINT NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ppe_redemptions_user ON ppe_redemptions(user_id, at);
CREATE INDEX ppe_redemptions_unit ON ppe_redemptions(unit_id, state, at);

INSERT INTO settings (key, value) VALUES
 ('ppe.points.check', '1'),
 ('ppe.points.near_miss', '2'),
 ('ppe.new_hire_days', '90'),
 ('ppe.due_warn_days', '30');

-- The starting catalogue. Standards are the product standards the items are bought to.
INSERT INTO ppe_items (code, name, name_en, kind, standard, protection_class, sizes, cycle_days, cycle_uses, shelf_days, permit_only, created_at) VALUES
 ('helmet', '安全帽', 'Safety helmet', 'head', 'GB 2811-2019', '普通型', '', 913, NULL, NULL, 0, 0),
 ('goggles', '防护眼镜', 'Safety goggles', 'eye_face', 'GB 14866', '防冲击', '', 365, NULL, NULL, 0, 0),
 ('face_shield_weld', '焊接面罩', 'Welding face shield', 'eye_face', 'GB/T 3609.1', '焊接', '', 730, NULL, NULL, 0, 0),
 ('earplugs', '耳塞', 'Ear plugs', 'hearing', 'GB/T 31422', 'SNR≥25 dB', '', 30, NULL, NULL, 0, 0),
 ('dust_mask', '防颗粒物口罩', 'Particulate respirator', 'respiratory', 'GB 2626-2019', 'KN95', '', 7, 1, NULL, 0, 0),
 ('gas_mask', '过滤式防毒面具', 'Gas mask', 'respiratory', 'GB 2890-2022', '综合滤毒罐', 'S M L', 1095, NULL, NULL, 0, 0),
 ('scba', '正压式空气呼吸器', 'Self-contained breathing apparatus', 'respiratory', 'GB/T 18664; XF 124', '正压式', '', 3650, NULL, NULL, 1, 0),
 ('airline', '长管呼吸器', 'Air-line respirator', 'respiratory', 'GB 6220', '送风式', '', 1825, NULL, NULL, 1, 0),
 ('gloves', '防护手套', 'Work gloves', 'hand', 'GB/T 12624', '机械防护', '7 8 9 10', 30, NULL, NULL, 0, 0),
 ('chem_gloves', '防化手套', 'Chemical gloves', 'hand', 'GB 28881', '防酸碱', '8 9 10', 90, NULL, NULL, 0, 0),
 ('safety_shoes', '安全鞋', 'Safety shoes', 'foot', 'GB 21148-2020', '防砸防刺穿', '38-46', 365, NULL, NULL, 0, 0),
 ('fr_clothing', '阻燃防护服', 'Flame-retardant clothing', 'body', 'GB 8965.1', 'A级', 'S M L XL', 730, NULL, NULL, 0, 0),
 ('antistatic', '防静电工作服', 'Anti-static workwear', 'body', 'GB 12014-2019', '', 'S M L XL', 730, NULL, NULL, 0, 0),
 ('harness', '全身式安全带', 'Full-body harness', 'fall', 'GB 6095-2021', '坠落悬挂', 'M L', 1095, NULL, NULL, 0, 0);

-- 高处: full-body harness (GB 30871-2022 §8 asks for harnesses of GB 6095 for work at height).
-- 受限空间: breathing apparatus, either kind (GB 30871-2022 §6: positive-pressure air or
-- air-line respirators where the atmosphere is not known to be safe).
-- 动火: flame-retardant clothing. All warn until the plant chooses block.
INSERT INTO ppe_permit_items (permit_type, item_id, who, alt_group, level)
 SELECT 'height', id, 'workers', '', 'warn' FROM ppe_items WHERE code = 'harness';
INSERT INTO ppe_permit_items (permit_type, item_id, who, alt_group, level)
 SELECT 'confined_space', id, 'workers', 'breathing', 'warn' FROM ppe_items WHERE code IN ('scba', 'airline');
INSERT INTO ppe_permit_items (permit_type, item_id, who, alt_group, level)
 SELECT 'hot_work', id, 'all', '', 'warn' FROM ppe_items WHERE code = 'fr_clothing';
