/*
 * guard.h — what stands between the listening socket and libmicrohttpd: the connection guard
 * (guard.c: per-address cap, deadline for the request head) and the strict check of the head
 * it runs before handing a connection on (head_check.c, RFC 9112).
 */
#ifndef ANQUAN_GUARD_H
#define ANQUAN_GUARD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Daemon;

/* A request head (request line and header fields) longer than this gets 431. Far above what
 * a browser sends (cookies of a few KiB; nginx's default is 8 KiB a line), and with room for
 * MHD's parsed headers and our response headers inside its connection memory (server.c,
 * 32 KiB: heads of 16 KiB already failed there with a 431 of MHD's own). */
#define HEAD_MAX (12u << 10)

enum head_result { HEAD_MORE, HEAD_DONE, HEAD_BAD };

/* The state of one head being checked as it arrives; zero it before the first call. */
struct head_check {
	size_t pos;		/* start of the first line not yet checked */
	size_t end;		/* HEAD_DONE: bytes of the head, blank line included */
	int lines;		/* lines checked, the request line included */
	int http11;		/* HTTP/1.1 (or a later 1.x): Host is required */
	int hosts, te;
	size_t target_off, target_len;	/* the request-target within the buffer */
	int status;		/* HEAD_BAD: 400, 501 or 505 */
	const char *reason;	/* HEAD_BAD: the rule broken, in English, for the log */
	char field[48];		/* HEAD_BAD: the field at fault ("Host", "path"), or "" */
	char last[48];		/* name of the last field line, for an obs-fold after it */
};

/* Check the complete lines of buf[0..len) not yet checked (buf holds the head so far, from
 * its first byte; len only grows between calls). HEAD_MORE: valid so far, needs more bytes. */
enum head_result head_check_feed(struct head_check *hc, const char *buf, size_t len);

struct guard_config {
	struct sockaddr_in addr;	/* where to listen */
	struct MHD_Daemon *mhd;		/* started with MHD_USE_NO_LISTEN_SOCKET */
	int max_connections;		/* connections waiting for their head, at most */
	int max_per_address;		/* of those, from one address */
	int head_timeout_s;		/* the whole head must arrive within this */
};

int guard_start(const struct guard_config *cfg);	/* 0, or -1 with the reason logged */
void guard_stop(void);		/* close the listener and every connection still waiting */

#endif
