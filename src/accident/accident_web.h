/*
 * accident_web.h — what the accident module's page files share (not a public header: other
 * modules use accident.h).
 */
#ifndef ANQUAN_ACCIDENT_WEB_H
#define ANQUAN_ACCIDENT_WEB_H

#include <jansson.h>
#include "http/http.h"

int accident_visible(struct req *r, int64_t id);	/* may the caller see this incident? */
const char *accident_name_col(struct req *r);	/* name_zh or name_en */
json_t *accident_json(struct req *r, int64_t id);

int accident_list(struct req *r);
int accident_new_page(struct req *r);
int accident_create_post(struct req *r);
int accident_show(struct req *r);
int accident_report_post(struct req *r);
int accident_step_post(struct req *r);
int accident_action_post(struct req *r);
int accident_action_done_post(struct req *r);
int accident_close_post(struct req *r);
int accident_photo_get(struct req *r);
int accident_stats_page(struct req *r);
int accident_hours_post(struct req *r);
int accident_bulletin(struct req *r);
int accident_chain_get(struct req *r);	/* the escalation chain (accident_chain_web.c) */
int accident_chain_post(struct req *r);

#endif
