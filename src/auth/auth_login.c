/*
 * auth_login.c — signing in: the password check, login-failure handling and its audit trail.
 *
 * GB/T 22239-2019 8.1.4.1 (身份鉴别) b) asks for 登录失败处理: end the session, limit
 * the number of failed attempts, and lock or otherwise stop further attempts. Doing that
 * only by account (five failures lock it for 15 minutes) let anyone lock any account,
 * the administrator's included, with five requests, and let one address guess at a new name
 * every time. So failures are handled on two axes, from the login_attempts table:
 *
 *  - by address: an address with ADDRESS_FAILURES failures in the last auth.lockout_seconds
 *    is refused whatever names it tries, until its failures age out of that window.
 *    Nothing about any account is checked then, so the answer says nothing about names, and
 *    no argon2 time is spent on a guessing run.
 *  - by account: auth.lockout_attempts failures in a row lock the account for
 *    auth.lockout_seconds, as before, against every address — except addresses from which the
 *    owner signed in within KNOWN_ADDRESS_DAYS. There the right password still works: an
 *    account under attack from many addresses stays protected, but its owner at their usual
 *    desk or plant network is not locked out for as long as the attack goes on. Wrong
 *    passwords from such an address still count, for the account and for the address.
 *
 * Names that are not accounts, and deactivated accounts, are answered exactly like real
 * ones: the same message, a "lock" after the same number of failures (counted by name), and
 * the same time — every answer except the address refusal runs one argon2id verification,
 * against a dummy hash when there is no usable one. Before, a locked or deactivated account
 * answered in 0.3 ms against 12–20 ms for the others, which told which names exist.
 *
 * Every failure is audited: wrong passwords, unknown names (user_id 0, the name tried),
 * deactivated accounts, attempts during a lockout, and an address that reaches the limit.
 */
#include "auth/auth.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "base/text.h"
#include "db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* 20 failures per window: a shift office's shared PC or a plant's NAT puts many people
 * behind one address, each of whom may mistype a few times; 20 leaves room for that while an
 * online guessing run gets 20 tries per 15 minutes (~2,000 a day) from each address. */
#define ADDRESS_FAILURES 20
#define KNOWN_ADDRESS_DAYS 90
/* the rows themselves are kept for retention.access_days (auth_retention.c, ≥ six months:
 * they are network logs); each check below reads only its own window */
#define KEEP_SUCCESSES ((int64_t)KNOWN_ADDRESS_DAYS * 86400)

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy;

/* A hash of a random password, made with the same cost as real ones, so that verifying
 * against it takes as long as a real check. */
static void dummy_make(void)
{
	char pw[65];
	text_random_token(pw, 32);
	if (auth_hash_password(pw, &dummy))
		dummy = NULL;
}

static int verify_against_dummy(const char *password)
{
	pthread_once(&dummy_once, dummy_make);
	if (dummy)
		auth_verify_password(dummy, password);
	return 0;
}

static int is_loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1") || !strncmp(ip, "::ffff:127.", 11);
}

const char *auth_login_address(struct req *r)
{
	const char *peer = r->client_ip ? r->client_ip : "";
	/* anquan listens on loopback behind nginx (docs/operations.md), whose
	 * $proxy_add_x_forwarded_for appends the real client last; a client cannot forge that
	 * last entry through nginx, and a direct peer from elsewhere is never believed */
	const char *xff = is_loopback(peer) ? req_header(r, "X-Forwarded-For") : NULL;
	if (!xff)
		return peer;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	size_t n = strspn(last, "0123456789abcdefABCDEF.:");
	if (!n || n > 45 || last[n + strspn(last + n, " \t")])
		return peer;
	return arena_strndup(&r->arena, last, n);
}

int auth_login(struct db *c, const char *username, const char *password, const char *address,
	       int64_t *user_id, const char **why)
{
	int64_t now = clock_now(), window = cfg.lockout_seconds;
	int64_t addr_failed = 0;
	*why = "auth.bad_login";
	if (!address)
		address = "";

	/* 1. the address, before anything about the name is looked at */
	if (db_get_i64(c, &addr_failed, "SELECT count(*) FROM login_attempts WHERE address = ? AND ok = 0"
				       " AND at > ?", "tI", address, now - window) < 0)
		return -1;
	if (addr_failed >= ADDRESS_FAILURES) {
		log_warn("sign-in from %s refused: %lld failures in %lld s", address,
			 (long long)addr_failed, (long long)window);
		*why = "auth.address_throttled";
		return -1;
	}

	/* 2. the account: exactly one argon2 verification on every path from here */
	int64_t id = 0, failed = 0, locked_until = 0, active = 0;
	char *hash = NULL;
	struct db_stmt *st = db_query(c, "SELECT id, password_hash, failed_logins, locked_until, active"
				       " FROM users WHERE username = ?", "t", username);
	if (!st)
		return -1;
	if (db_step(st) == 1) {
		id = db_col_i64(st, 0);
		hash = xstrdup(db_col_text(st, 1));
		failed = db_col_i64(st, 2);
		locked_until = db_col_i64(st, 3);
		active = db_col_i64(st, 4);
	}
	db_done(c, st);
	int account = id && active;	/* a name that can sign in at all */
	int match = account ? auth_verify_password(hash, password) : verify_against_dummy(password);
	free(hash);

	int locked = 0;
	int64_t familiar = 0;
	if (account) {
		locked = locked_until > now;
		if (locked && match)
			db_get_i64(c, &familiar, "SELECT count(*) FROM login_attempts WHERE user_id = ?"
						 " AND address = ? AND ok = 1 AND at > ?", "ItI", id, address,
				   now - KEEP_SUCCESSES);
	} else {
		/* not an account, or deactivated: "locked" after as many failures as a real one */
		int64_t by_name = 0;
		db_get_i64(c, &by_name, "SELECT count(*) FROM login_attempts WHERE username = ? AND ok = 0"
					" AND at > ?", "tI", username, now - window);
		locked = by_name >= cfg.lockout_attempts;
	}
	int ok = account && match && (!locked || familiar);

	struct audit_actor a = {id, username, address};
	if (db_begin(c) != DB_OK)
		return -1;
	int rc = db_exec(c, "INSERT INTO login_attempts (at, address, username, user_id, ok)"
			    " VALUES (?, ?, ?, NULLIF(?, 0), ?)", "IttIi", now, address, username, id, ok);
	if (rc != DB_OK)
		goto fail;
	if (ok) {
		if (!locked)
			rc = db_exec(c, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", "I", id);
		if (rc == DB_OK)	/* during a lockout the lock stays for everyone else */
			rc = audit_append(c, &a, "user", id, locked ? "login_known_address" : "login", "");
	} else if (locked) {
		*why = "auth.locked";
		rc = audit_append(c, &a, "user", id, "login_locked",
				  account ? "attempt during lockout" : "attempt during lockout (not an account)");
	} else if (account) {
		/* lock after N failures in a row (GB/T 22239-2019 8.1.4.1 b) */
		failed++;
		int lock = failed >= cfg.lockout_attempts;
		rc = db_exec(c, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", "III",
			     lock ? 0 : failed, lock ? now + cfg.lockout_seconds : 0, id);
		if (rc == DB_OK)
			rc = audit_append(c, &a, "user", id, lock ? "lockout" : "login_failed", "");
		if (lock)
			*why = "auth.locked";
	} else {
		rc = audit_append(c, &a, "user", id, "login_failed", id ? "deactivated account" : "not an account");
		int64_t by_name = 0;
		db_get_i64(c, &by_name, "SELECT count(*) FROM login_attempts WHERE username = ? AND ok = 0"
					" AND at > ?", "tI", username, now - window);
		if (by_name >= cfg.lockout_attempts)
			*why = "auth.locked";
	}
	if (rc == DB_OK && !ok && addr_failed + 1 == ADDRESS_FAILURES) {
		struct audit_actor from = {0, "", address};
		rc = audit_append(c, &from, "address", 0, "login_throttled", address);
	}
	if (rc != DB_OK)
		goto fail;
	if (db_commit(c) != DB_OK)
		return -1;
	if (!ok)
		return -1;
	*user_id = id;
	return 0;
fail:
	db_rollback(c);
	return -1;
}
