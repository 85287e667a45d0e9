-- 0002_default_roles.sql — the eleven default roles and their permissions.
--
-- Permission strings are "module.action"; a role's list is space-separated. The system
-- administrator manages users and configuration but cannot read the audit log, and the
-- auditor reads the audit log and can change nothing: the separation of duties of
-- 等保 2.0 (GB/T 22239-2019, 三权分立). Lists here are defaults; administrators edit them.
INSERT INTO roles (code, name_zh, name_en, permissions, scope, builtin) VALUES
 ('worker', '员工', 'Worker',
  'hazard.report hazard.view hazard.rectify cert.view permit.view dashboard.view', 'own', 1),
 ('team_leader', '班组长', 'Team leader',
  'hazard.report hazard.view hazard.handle hazard.rectify hazard.verify hazard.export cert.view equip.view permit.view permit.apply dashboard.view org.view user.view', 'unit', 1),
 ('ws_safety', '车间安全员', 'Workshop safety officer',
  'hazard.report hazard.view hazard.handle hazard.rectify hazard.verify hazard.export cert.view equip.view permit.view permit.apply permit.guard permit.approve dashboard.view org.view user.view', 'subtree', 1),
 ('ws_director', '车间主任', 'Workshop director',
  'hazard.report hazard.view hazard.handle hazard.verify hazard.export cert.view equip.view permit.view permit.approve dashboard.view report.view org.view user.view', 'subtree', 1),
 ('safety_dept', '安环部', 'Safety & environment dept.',
  'hazard.report hazard.view hazard.handle hazard.verify hazard.export hazard.config cert.view equip.view permit.view permit.approve dashboard.view report.view org.view user.view', 'company', 1),
 ('safety_director', '安全总监', 'Safety director',
  'hazard.report hazard.view hazard.handle hazard.verify hazard.export hazard.major cert.view equip.view permit.view permit.approve dashboard.view report.view org.view user.view', 'company', 1),
 ('principal', '主要负责人', 'Principal person in charge',
  'hazard.report hazard.view hazard.export hazard.major cert.view equip.view permit.view permit.approve dashboard.view report.view org.view user.view', 'company', 1),
 ('equip_manager', '设备主管', 'Equipment manager',
  'hazard.report hazard.view equip.view equip.admin permit.view permit.approve dashboard.view org.view user.view', 'company', 1),
 ('hr', '人事', 'Human resources',
  'cert.view cert.admin user.view org.view dashboard.view', 'company', 1),
 ('sysadmin', '系统管理员', 'System administrator',
  'org.view org.admin user.view user.admin role.admin settings.admin token.admin', 'company', 1),
 ('auditor', '审计员', 'Auditor',
  'audit.read', 'company', 1);
