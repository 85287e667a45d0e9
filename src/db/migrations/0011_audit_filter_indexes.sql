-- 0011_audit_filter_indexes.sql — indexes for the auditor's drop-down filters on /audit (by
-- action and by account; by object uses audit_entity, by date audit_at). The log only grows,
-- so a filter must read the entries it shows, not the whole log (src/audit/audit_sql.h).
CREATE INDEX audit_action ON audit_log(action);
CREATE INDEX audit_username ON audit_log(username);
