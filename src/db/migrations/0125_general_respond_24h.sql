-- 0125_general_respond_24h.sql — general hazards answered within 24 hours by default.
--
-- The case studies and plants' rules expect a general hazard to be responded to within 24
-- hours (一般隐患24小时内响应). A general hazard is reported as urgency C unless the reporter
-- says otherwise, and C had 48 hours. The deadlines stay settings (hazard.respond_hours.X,
-- changed on the hazard settings page), so only a new installation gets the new default: the
-- value changes only while it is still the shipped 48 and no hazard has been recorded yet.
-- A plant already running keeps the deadline it has been working to until it changes it.
UPDATE settings SET value = '24'
 WHERE key = 'hazard.respond_hours.C' AND value = '48'
   AND NOT EXISTS (SELECT 1 FROM hazards);
