/*
 * cert_verify.c — recording how a certificate was checked to be genuine.
 *
 * Today a person looks the certificate up on the national query site (应急管理部 特种作业
 * 操作证及安全生产知识和管理能力考核合格信息查询) and records what they saw: the "manual"
 * verifier just accepts the claimed result. An online verifier (a province's API) can be
 * added later as another struct cert_verifier without touching the pages or the table.
 */
#include "cert/cert.h"
#include "base/clock.h"
#include "db/db.h"

#include <string.h>

static const char *const results[] = {"genuine", "not_found", "mismatch", "error", NULL};

static const char *manual_verify(const struct cert_verify_input *in)
{
	for (int i = 0; in->claimed_result && results[i]; i++)
		if (!strcmp(in->claimed_result, results[i]))
			return results[i];
	return NULL;
}

const struct cert_verifier cert_verifier_manual = {"manual", manual_verify};

static const struct cert_verifier *const verifiers[] = {&cert_verifier_manual, NULL};

const struct cert_verifier *cert_verifier_find(const char *name)
{
	for (int i = 0; name && verifiers[i]; i++)
		if (!strcmp(verifiers[i]->name, name))
			return verifiers[i];
	return NULL;
}

int cert_verify_record(struct db *c, const struct cert_verifier *v, const struct cert_verify_input *in)
{
	const char *result = v->verify(in);
	if (!result)
		return -1;
	return db_exec(c, "INSERT INTO cert_verifications (cert_id, method, result, note, verified_by, verified_at)"
			  " VALUES (?, ?, ?, ?, ?, ?)",
		       "ItttII", in->cert_id, v->name, result, in->note ? in->note : "", in->user_id,
		       clock_now()) == DB_OK ? 0 : -1;
}
