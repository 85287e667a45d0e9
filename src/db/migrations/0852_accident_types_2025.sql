-- 0852_accident_types_2025.sql — GB 6441-2025《生产安全事故分类与编码》's 27 accident types
-- (in force 2026-07-01) beside GB 6441-1986's twenty, as rows of edition '2025'. The names
-- and their order are the risk register's 2025 list (risk_accident_types, list '2025'); code
-- is ours (2025-NN, like 1986-NN) and stable. std_code holds the standard's own code (WSA...)
-- once checked against the published text: empty until then (**verify**). Which edition a
-- new report offers is the setting accident.type_edition (default 2025); incidents already
-- stored keep the type they were reported with.
ALTER TABLE accident_types ADD COLUMN std_code TEXT NOT NULL DEFAULT '';
INSERT INTO accident_types (code, edition, name_zh, name_en, sort) VALUES
 ('2025-01', '2025', '物体打击', 'Struck by object', 1),
 ('2025-02', '2025', '厂（场）内车辆致害', 'In-plant vehicle', 2),
 ('2025-03', '2025', '道路（轨道）车辆致害', 'Road or rail vehicle', 3),
 ('2025-04', '2025', '机械致害', 'Machinery', 4),
 ('2025-05', '2025', '起重致害', 'Lifting', 5),
 ('2025-06', '2025', '触电', 'Electric shock', 6),
 ('2025-07', '2025', '淹溺', 'Drowning', 7),
 ('2025-08', '2025', '灼烫', 'Burns and scalds', 8),
 ('2025-09', '2025', '火灾', 'Fire', 9),
 ('2025-10', '2025', '高处坠落', 'Fall from height', 10),
 ('2025-11', '2025', '跌落', 'Fall on the same level', 11),
 ('2025-12', '2025', '坍塌', 'Collapse', 12),
 ('2025-13', '2025', '水害', 'Water hazard', 13),
 ('2025-14', '2025', '容器爆炸', 'Vessel explosion', 14),
 ('2025-15', '2025', '管道爆炸', 'Pipe explosion', 15),
 ('2025-16', '2025', '可燃气体爆炸', 'Flammable gas explosion', 16),
 ('2025-17', '2025', '可燃液体蒸气爆炸', 'Flammable vapour explosion', 17),
 ('2025-18', '2025', '粉尘爆炸', 'Dust explosion', 18),
 ('2025-19', '2025', '民用爆炸物品爆炸', 'Civil explosive explosion', 19),
 ('2025-20', '2025', '烟花爆竹爆炸', 'Fireworks explosion', 20),
 ('2025-21', '2025', '其他可燃固体爆炸', 'Other combustible solid explosion', 21),
 ('2025-22', '2025', '高温熔融物爆炸', 'Molten metal explosion', 22),
 ('2025-23', '2025', '中毒', 'Poisoning', 23),
 ('2025-24', '2025', '窒息', 'Asphyxiation', 24),
 ('2025-25', '2025', '滑坡', 'Landslide', 25),
 ('2025-26', '2025', '泄漏', 'Leak', 26),
 ('2025-27', '2025', '其他事故', 'Other accident', 27);
