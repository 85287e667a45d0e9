/*
 * equip.h — special equipment (特种设备): the registry (使用登记证号, place, responsible
 * person, safety grade), periodic inspection dates with default intervals by kind
 * (equip_kinds, editable per device), inspection and maintenance records, and warnings
 * before an inspection falls due.
 *
 * 特种设备安全法 (2014) §40 and TSG 08-2017 §2.5: the user applies for periodic inspection
 * one month before it is due, so warnings go out at 60 and 30 days; a device past its date
 * is overdue and must not be used. Dates are local calendar days (see cert.h).
 */
#ifndef ANQUAN_EQUIP_H
#define ANQUAN_EQUIP_H

#include <stdint.h>

#include "http/http.h"

struct db;

enum equip_state {
	EQUIP_OK,
	EQUIP_DUE60,		/* inspection due within 60 days */
	EQUIP_DUE30,		/* within 30 days: apply now */
	EQUIP_OVERDUE,		/* past the due date */
	EQUIP_UNKNOWN,		/* no due date recorded */
};
enum equip_state equip_state_at(int64_t day, int64_t next_due);	/* CERT_NODAY → unknown */
/* The equipment manager's "waiting for me": the devices /equipment?state=due&all=1 lists */
int64_t equip_todo_count(struct req *r);
const char *equip_state_code(enum equip_state s);
const char *equip_state_badge(enum equip_state s);

/* The interval in months for a device: its own setting, else by safety grade for pressure
 * vessels (TSG 21-2016 §8.1.6), else the kind's default. 0: none known. */
int equip_interval_months(struct db *c, const char *kind, int own_months, int safety_grade);

int equip_sched_warn(struct db *c, int64_t now);
int equip_demo_load(struct db *c);

extern const struct route equip_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module equip_module;

#endif
