/*
 * accident_chain.c — the escalation chain of the one-hour reporting clock as a setting
 * (accident.escalation): steps "minutes:who" separated by commas, e.g. the default
 * "60:superior,90:safety_director" — an hour after the principal was told (493号 Art. 9: the
 * report is due then) the principal's superior is told, half an hour later the safety
 * director. Pure parsing and formatting, unit-tested; the job (accident_sched.c) sends each
 * step once and the page (accident_chain_web.c) sets it.
 */
#include "accident/accident.h"

#include <stdio.h>
#include <string.h>

const char *const accident_chain_targets[] = {"superior", "safety_director", "safety_dept", NULL};

int accident_chain_parse(const char *s, struct accident_chain_step *out, int max)
{
	if (!s)
		return -1;
	int n = 0, last = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ')
			p++;
		int minutes = 0, digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 5) {
			minutes = minutes * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || *p++ != ':')
			return -1;
		const char *who = NULL;
		for (int i = 0; accident_chain_targets[i]; i++) {
			size_t l = strlen(accident_chain_targets[i]);
			if (!strncmp(p, accident_chain_targets[i], l) && (p[l] == ',' || p[l] == ' ' || !p[l])) {
				who = accident_chain_targets[i];
				p += l;
				break;
			}
		}
		/* a step escalates a report that is late: not before the hour it is due, within the
		 * day, each later than the one before */
		if (!who || n >= max || minutes < ACCIDENT_REPORT_SECONDS / 60 || minutes > ACCIDENT_CHAIN_MAX_MINUTES ||
		    minutes <= last)
			return -1;
		out[n].minutes = minutes;
		out[n++].target = who;
		last = minutes;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return n ? n : -1;
}

const char *accident_chain_format(const struct accident_chain_step *v, int n, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%d:%s", i ? "," : "", v[i].minutes, v[i].target);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}
