-- 0003_three_administrators.sql — the three administrators of 等保 2.0 (GB/T 22239-2019,
-- level 3, §8.1.4.2 安全管理中心: 系统管理、审计管理、安全管理).
--
-- Until now the system administrator also managed roles (role.admin), so they could preview
-- the auditor's role, or give audit.read to a role, and read the audit log. Roles, their
-- permissions and the role preview now belong to a security administrator of their own; the
-- system administrator keeps people, units, areas and configuration; the audit administrator
-- reads the audit log and changes nothing. Which kind a role is follows from its permissions
-- (src/auth/auth_duty.c), so no column marks it. The first security and audit administrators
-- are made on the server with `anquan user add --role secadmin|auditor`.
-- (a custom role already named secadmin is left as it is rather than failing the upgrade)
INSERT INTO roles (code, name_zh, name_en, permissions, scope, builtin)
 SELECT 'secadmin', '安全管理员', 'Security administrator',
  'role.admin token.admin org.view user.view', 'company', 1
 WHERE NOT EXISTS (SELECT 1 FROM roles WHERE code = 'secadmin');

-- the system administrator no longer manages roles (an edited list keeps its other words)
UPDATE roles SET permissions = trim(replace(' ' || permissions || ' ', ' role.admin ', ' '))
 WHERE code = 'sysadmin';

UPDATE roles SET name_zh = '审计管理员', name_en = 'Audit administrator' WHERE code = 'auditor';
