/*
 * contractor_web.h — between the contractor record's pages (contractor_web.c) and the
 * parts below it (contractor_parts_web.c): the record, loaded within the caller's scope.
 */
#ifndef ANQUAN_CONTRACTOR_WEB_H
#define ANQUAN_CONTRACTOR_WEB_H

#include <stdint.h>

#include "http/http.h"

struct contractor_row;
/* The contractor :id names, if the caller's scope reaches it: 0, else -1 (nothing answered). */
int contractor_load(struct req *r, int64_t id, struct contractor_row **out);
const char *contractor_row_name(const struct contractor_row *k);
int64_t contractor_row_id(const struct contractor_row *k);
/* the qualifications, people, permits, hazards and ratings under the record's form */
void contractor_parts_html(struct req *r, const struct contractor_row *k);

int contractor_list_page(struct req *r);
int contractor_new_page(struct req *r);
int contractor_create_post(struct req *r);
int contractor_edit_page(struct req *r);
int contractor_update_post(struct req *r);
int contractor_deactivate_post(struct req *r);
int contractor_api_list(struct req *r);
int contractor_api_get(struct req *r);
int contractor_api_create(struct req *r);
int contractor_api_update(struct req *r);
int contractor_api_deactivate(struct req *r);

#endif
