/*
 * notify_web.c — the demo's channels (a
 * 企业微信 robot for the whole company and an SMTP server) delivered into the viewer
 * (notify.viewer = 1) so that a person trying the demo sees what would have been sent.
 */
#include "notify/notify_web.h"
#include "notify/notify.h"
#include "base/clock.h"
#include "db/db.h"

int notify_demo_load(struct db *c)
{
	int64_t now = clock_now();
	if (db_exec(c, "INSERT INTO settings (key, value, updated_at) VALUES ('notify.viewer', '1', ?)"
		       " ON CONFLICT (key) DO UPDATE SET value = '1', updated_at = ?", "II", now, now) != DB_OK)
		return -1;
	if (db_exec(c, "INSERT INTO notify_channels (kind, name, url, settings, created_at, updated_at) VALUES"
		       " ('wecom', '安全生产群机器人', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo', '{}', ?1, ?1),"
		       " ('dingtalk', '钉钉安全群', 'https://oapi.dingtalk.com/robot/send?access_token=demo', '{}', ?1, ?1),"
		       " ('smtp', '公司邮件', 'smtp://mail.example.com:587', '{\"from\":\"anquan@example.com\",\"tls\":\"starttls\"}', ?1, ?1),"
		       " ('sms_http', '短信网关', 'https://sms.example.com/send', '{\"sign_name\":\"安全平台\",\"template_code\":\"SMS_0001\"}', ?1, ?1)",
		    "I", now) != DB_OK)
		return -1;
	/* demo people with an e-mail address, so certificate warnings show as e-mails */
	return db_exec(c, "INSERT INTO notify_prefs (user_id, email, updated_at)"
			  " SELECT id, username || '@example.com', ? FROM users", "I", now) == DB_OK ? 0 : -1;
}
