-- 0091_login_attempts.sql — every sign-in attempt: when, from which address, which name.
--
-- auth_login.c reads it to throttle an address that fails too often whatever names it tries,
-- to lock names that do not exist exactly as it locks real accounts (so a lockout does not
-- reveal which names exist), and to recognise the addresses from which an account's owner
-- has signed in before (they may still sign in while the account is locked against others).
-- Failures are kept for a day and successes for 90 days; older rows are deleted as new ones
-- come in. The audit log keeps the permanent record.
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  address TEXT NOT NULL,
  username TEXT NOT NULL,
  user_id INTEGER,			-- NULL for a name that is not an account
  ok INTEGER NOT NULL			-- 1 signed in, 0 refused
);
CREATE INDEX login_attempts_address ON login_attempts(address, at);
CREATE INDEX login_attempts_username ON login_attempts(username, at);
CREATE INDEX login_attempts_user ON login_attempts(user_id, address, ok);
CREATE INDEX login_attempts_at ON login_attempts(at);
