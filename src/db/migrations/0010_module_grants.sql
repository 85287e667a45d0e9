-- 0010_module_grants.sql — the ledger of the modules' default grants (src/db/grants.c).
--
-- Each module's descriptor names the default roles that get each of its permissions; at
-- migrate time a pair (permission, role) not in this table is granted once and recorded, so
-- that a permission an administrator later removes from a role is not granted again. The
-- pairs that 0002_default_roles.sql and 0003_three_administrators.sql granted are recorded
-- here as done (granted_at 0): an installation upgraded to this version keeps its roles
-- exactly as its administrators left them.
CREATE TABLE module_grants (
  permission TEXT NOT NULL,
  role_code TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (permission, role_code)
);

INSERT INTO module_grants (permission, role_code, granted_at) VALUES
-- worker
 ('hazard.report', 'worker', 0), ('hazard.view', 'worker', 0), ('hazard.rectify', 'worker', 0),
 ('cert.view', 'worker', 0), ('permit.view', 'worker', 0), ('dashboard.view', 'worker', 0),
-- team_leader
 ('hazard.report', 'team_leader', 0), ('hazard.view', 'team_leader', 0),
 ('hazard.handle', 'team_leader', 0), ('hazard.rectify', 'team_leader', 0),
 ('hazard.verify', 'team_leader', 0), ('hazard.export', 'team_leader', 0),
 ('cert.view', 'team_leader', 0), ('equip.view', 'team_leader', 0),
 ('permit.view', 'team_leader', 0), ('permit.apply', 'team_leader', 0),
 ('dashboard.view', 'team_leader', 0), ('org.view', 'team_leader', 0),
 ('user.view', 'team_leader', 0),
-- ws_safety
 ('hazard.report', 'ws_safety', 0), ('hazard.view', 'ws_safety', 0),
 ('hazard.handle', 'ws_safety', 0), ('hazard.rectify', 'ws_safety', 0),
 ('hazard.verify', 'ws_safety', 0), ('hazard.export', 'ws_safety', 0),
 ('cert.view', 'ws_safety', 0), ('equip.view', 'ws_safety', 0),
 ('permit.view', 'ws_safety', 0), ('permit.apply', 'ws_safety', 0),
 ('permit.guard', 'ws_safety', 0), ('permit.approve', 'ws_safety', 0),
 ('dashboard.view', 'ws_safety', 0), ('org.view', 'ws_safety', 0),
 ('user.view', 'ws_safety', 0),
-- ws_director
 ('hazard.report', 'ws_director', 0), ('hazard.view', 'ws_director', 0),
 ('hazard.handle', 'ws_director', 0), ('hazard.verify', 'ws_director', 0),
 ('hazard.export', 'ws_director', 0), ('cert.view', 'ws_director', 0),
 ('equip.view', 'ws_director', 0), ('permit.view', 'ws_director', 0),
 ('permit.approve', 'ws_director', 0), ('dashboard.view', 'ws_director', 0),
 ('report.view', 'ws_director', 0), ('org.view', 'ws_director', 0),
 ('user.view', 'ws_director', 0),
-- safety_dept
 ('hazard.report', 'safety_dept', 0), ('hazard.view', 'safety_dept', 0),
 ('hazard.handle', 'safety_dept', 0), ('hazard.verify', 'safety_dept', 0),
 ('hazard.export', 'safety_dept', 0), ('hazard.config', 'safety_dept', 0),
 ('cert.view', 'safety_dept', 0), ('equip.view', 'safety_dept', 0),
 ('permit.view', 'safety_dept', 0), ('permit.approve', 'safety_dept', 0),
 ('dashboard.view', 'safety_dept', 0), ('report.view', 'safety_dept', 0),
 ('org.view', 'safety_dept', 0), ('user.view', 'safety_dept', 0),
-- safety_director
 ('hazard.report', 'safety_director', 0), ('hazard.view', 'safety_director', 0),
 ('hazard.handle', 'safety_director', 0), ('hazard.verify', 'safety_director', 0),
 ('hazard.export', 'safety_director', 0), ('hazard.major', 'safety_director', 0),
 ('cert.view', 'safety_director', 0), ('equip.view', 'safety_director', 0),
 ('permit.view', 'safety_director', 0), ('permit.approve', 'safety_director', 0),
 ('dashboard.view', 'safety_director', 0), ('report.view', 'safety_director', 0),
 ('org.view', 'safety_director', 0), ('user.view', 'safety_director', 0),
-- principal
 ('hazard.report', 'principal', 0), ('hazard.view', 'principal', 0),
 ('hazard.export', 'principal', 0), ('hazard.major', 'principal', 0),
 ('cert.view', 'principal', 0), ('equip.view', 'principal', 0),
 ('permit.view', 'principal', 0), ('permit.approve', 'principal', 0),
 ('dashboard.view', 'principal', 0), ('report.view', 'principal', 0),
 ('org.view', 'principal', 0), ('user.view', 'principal', 0),
-- equip_manager
 ('hazard.report', 'equip_manager', 0), ('hazard.view', 'equip_manager', 0),
 ('equip.view', 'equip_manager', 0), ('equip.admin', 'equip_manager', 0),
 ('permit.view', 'equip_manager', 0), ('permit.approve', 'equip_manager', 0),
 ('dashboard.view', 'equip_manager', 0), ('org.view', 'equip_manager', 0),
 ('user.view', 'equip_manager', 0),
-- hr
 ('cert.view', 'hr', 0), ('cert.admin', 'hr', 0), ('user.view', 'hr', 0),
 ('org.view', 'hr', 0), ('dashboard.view', 'hr', 0),
-- sysadmin
 ('org.view', 'sysadmin', 0), ('org.admin', 'sysadmin', 0), ('user.view', 'sysadmin', 0),
 ('user.admin', 'sysadmin', 0), ('settings.admin', 'sysadmin', 0),
 ('token.admin', 'sysadmin', 0),
-- auditor
 ('audit.read', 'auditor', 0),
-- secadmin
 ('role.admin', 'secadmin', 0), ('token.admin', 'secadmin', 0), ('org.view', 'secadmin', 0),
 ('user.view', 'secadmin', 0);
