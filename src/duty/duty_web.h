/*
 * duty_web.h — the handlers of the duty module's pages and API, one file per subject
 * (duty_items_web.c, duty_eval_web.c, duty_letters_web.c, duty_cowork_web.c,
 * duty_meetings_web.c), gathered into one route table in duty_routes.c.
 */
#ifndef ANQUAN_DUTY_WEB_H
#define ANQUAN_DUTY_WEB_H

#include "http/http.h"

int duty_lists_page(struct req *r);
int duty_item_create(struct req *r);
int duty_item_retire(struct req *r);
int duty_api_items(struct req *r);

int duty_home_page(struct req *r);
int duty_eval_page(struct req *r);
int duty_person_page(struct req *r);
int duty_records_page(struct req *r);
int duty_declare_post(struct req *r);
int duty_confirm_post(struct req *r);
int duty_api_eval(struct req *r);
int duty_api_person(struct req *r);
int duty_api_records(struct req *r);
int duty_api_ranking(struct req *r);

int duty_letters_page(struct req *r);
int duty_letter_create(struct req *r);
int duty_letter_page(struct req *r);
int duty_letter_sign(struct req *r);
int duty_api_letters(struct req *r);
int duty_api_letter(struct req *r);

int duty_cowork_page(struct req *r);
int duty_cowork_members_page(struct req *r);
int duty_cowork_member(struct req *r);
int duty_cowork_post(struct req *r);
int duty_api_cowork(struct req *r);
int duty_settings_page(struct req *r);
int duty_settings_post(struct req *r);

int duty_meetings_page(struct req *r);
int duty_meeting_create(struct req *r);
int duty_meeting_page(struct req *r);
int duty_meeting_minutes(struct req *r);
int duty_attend_page(struct req *r);
int duty_attend_post(struct req *r);
int duty_resolution_create(struct req *r);
int duty_resolution_done(struct req *r);
int duty_resolutions_page(struct req *r);
int duty_api_meetings(struct req *r);

#endif
