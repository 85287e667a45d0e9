/*
 * guard.c — the listening socket, in front of libmicrohttpd: a connection reaches MHD only
 * once its whole request head has arrived, in time, and passed head_check.c.
 *
 * Why: MHD's own limits are per connection and per byte. Its idle timeout restarts with
 * every byte, so 1,100 connections from one address each sending a header line now and then
 * held every slot of http.max_connections, and /healthz from any other address went
 * unanswered for the whole attack (600 such connections: 30 s, until the silent ones timed
 * out). And MHD 0.9.75 accepts heads that RFC 9112 calls invalid (see head_check.c).
 *
 * How: one thread owns the listening socket and an epoll set of connections whose head is
 * still arriving. Each accepted connection is counted against its address; over
 * http.max_per_address waiting from one address, or http.max_connections waiting in all, it
 * gets 503 at once, so the listen queue never stalls behind one address and every other
 * client keeps being accepted. Bytes are read with MSG_PEEK and checked line by line; the
 * head must be complete within http.head_timeout seconds of the accept (and in at most
 * HEAD_MAX_PIECES reads), else 408. (SO_PEEK_OFF would let each peek return only the new
 * bytes, but TCP has it only since Linux 6.9 and Debian 12 runs 6.1.) A valid head is left unread in the
 * socket, and the socket goes to MHD with MHD_add_connection: MHD reads the same bytes and
 * serves the request on a thread of its own. A bad head gets 400 (431 when over HEAD_MAX),
 * the rest of what the client sent is read and dropped for up to two seconds so the answer
 * is not lost to a reset, and the connection is closed.
 *
 * MHD keeps a connection alive for further requests, whose heads it reads without passing
 * through here: server.c checks its parse of each again (recheck_head) and closes a kept-alive
 * connection after a few idle seconds. While MHD serves a connection, MHD's own
 * MHD_OPTION_PER_IP_CONNECTION_LIMIT (set to the same cap) bounds one address there, e.g.
 * against a body or a later head sent a byte at a time.
 */
#include "http/guard.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINGER_MS 2000		/* after an error answer: read and drop what still comes */
#define REPORT_MS 60000		/* refusals are summed up in the log once a minute */
#define HEAD_MAX_PIECES 100	/* a browser's head comes in one to a few segments; a 12 KiB
				 * one in some 9 of 1,460 bytes */

struct pend {
	int fd;
	struct sockaddr_in addr;
	int64_t deadline;	/* monotonic ms: end of the head deadline, or of the linger */
	int closing;		/* answered; reading and dropping until EOF or the deadline */
	int pieces;		/* reads that brought new bytes of the head */
	int watched;		/* in the epoll set (not when the head was complete at accept) */
	struct strbuf head;
	struct head_check hc;
	struct pend *prev, *next;
};

/* Connections in the order of their deadline: all get the same delay when added, so
 * appending keeps each list sorted and the first is always the next to expire. */
struct plist {
	struct pend *first, *last;
};

static struct {
	struct guard_config cfg;
	int listen_fd, ep, wake_fd;
	pthread_t thread;
	int started;
	int npending;			/* waiting and closing */
	struct plist waiting, closing;
	uint32_t *keys, *counts;	/* connections per IPv4 address, open addressing */
	size_t mask;
	int64_t paused_until;		/* accept() paused after running out of descriptors */
	unsigned long refused, expired, malformed;
	int64_t next_report;
	char scratch[HEAD_MAX + 1];
} g;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void plist_add(struct plist *l, struct pend *p)
{
	p->next = NULL;
	p->prev = l->last;
	if (l->last)
		l->last->next = p;
	else
		l->first = p;
	l->last = p;
}

static void plist_remove(struct plist *l, struct pend *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		l->first = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		l->last = p->prev;
	p->prev = p->next = NULL;
}

/* ---- connections per address: linear probing with backward-shift deletion. The table
 * has at least twice as many slots as connections can wait, so it never fills. ---- */

static size_t addr_slot(uint32_t ip)
{
	size_t i = (size_t)(ip * 2654435761u) & g.mask;
	while (g.counts[i] && g.keys[i] != ip)
		i = (i + 1) & g.mask;
	return i;
}

static uint32_t addr_count(uint32_t ip)
{
	return g.counts[addr_slot(ip)];
}

static void addr_inc(uint32_t ip)
{
	size_t i = addr_slot(ip);
	g.keys[i] = ip;
	g.counts[i]++;
}

static void addr_dec(uint32_t ip)
{
	size_t i = addr_slot(ip);
	if (!g.counts[i] || --g.counts[i])
		return;
	/* the slot is free: move back any later entry of the run that may not stay behind it */
	for (size_t j = (i + 1) & g.mask; g.counts[j]; j = (j + 1) & g.mask) {
		size_t home = (size_t)(g.keys[j] * 2654435761u) & g.mask;
		int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		g.keys[i] = g.keys[j];
		g.counts[i] = g.counts[j];
		g.counts[j] = 0;
		i = j;
	}
}

/* ---- answers ---- */

static const char *phrase(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Error";
}

/* The answer in the API's error shape when the target is under /api/, else as text in both
 * languages (no language is known before the head is read). */
static void build_answer(struct strbuf *out, int status, const char *field, int api)
{
	const char *key = status == 503 ? "error.unavailable"
			: status == 408 ? "error.head_timeout"
			: status == 431 ? "error.too_large" : "error.bad_request";
	const char *code = status == 503 ? "unavailable" : status == 408 ? "timeout"
			 : status == 431 ? "too_large" : "bad_request";
	struct strbuf body = STRBUF_INIT;
	if (api) {
		json_t *j = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message",
				      i18n_get("zh", key), "field", field && *field ? field : NULL);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		sb_adds(&body, s ? s : "{}");
		free(s);
		json_decref(j);
	} else {
		sb_addf(&body, "%s\n%s\n", i18n_get("zh", key), i18n_get("en", key));
	}
	sb_addf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s\r\n",
		status, phrase(status), api ? "application/json" : "text/plain; charset=utf-8",
		body.len, status == 503 ? "Retry-After: 5\r\n" : "");
	sb_add(out, body.buf, body.len);
	sb_release(&body);
}

/* Read and drop what the client has sent so far (the peeked head included): closing a
 * socket with unread bytes sends a reset, which can destroy the answer before it is read.
 * Returns 0 when the client has closed its side or the socket failed. */
static int drain(int fd)
{
	for (int i = 0; i < 64; i++) {	/* at most 4 MiB per call: others wait meanwhile */
		ssize_t n = recv(fd, g.scratch, sizeof(g.scratch), MSG_DONTWAIT);
		if (n > 0)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
	}
	return 1;
}

static void send_answer(int fd, int status, const char *field, int api)
{
	struct strbuf out = STRBUF_INIT;
	build_answer(&out, status, field, api);
	/* a fresh socket's send buffer takes a few hundred bytes: what does not fit is lost */
	ssize_t w = send(fd, out.buf, out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)w;
	sb_release(&out);
}

/* Refuse a connection just accepted, before it is counted. */
static void refuse(int fd)
{
	g.refused++;
	drain(fd);
	send_answer(fd, 503, NULL, 0);
	close(fd);
}

/* ---- the connections waiting ---- */

static void forget(struct pend *p)
{
	plist_remove(p->closing ? &g.closing : &g.waiting, p);
	g.npending--;
	addr_dec(p->addr.sin_addr.s_addr);
	sb_release(&p->head);
	free(p);
}

static void drop(struct pend *p)
{
	close(p->fd);	/* also leaves the epoll set */
	forget(p);
}

static int is_api(const struct pend *p)
{
	return p->hc.target_len >= 5 && p->head.len >= p->hc.target_off + 5 &&
	       memcmp(p->head.buf + p->hc.target_off, "/api/", 5) == 0;
}

/* Answer an error, then linger: read and drop until the client closes or LINGER_MS. */
static void answer(struct pend *p, int status, const char *field)
{
	drain(p->fd);
	send_answer(p->fd, status, field, is_api(p));
	shutdown(p->fd, SHUT_WR);
	plist_remove(&g.waiting, p);
	p->closing = 1;
	p->deadline = now_ms() + LINGER_MS;
	plist_add(&g.closing, p);
	sb_release(&p->head);
	sb_init(&p->head, 0);
}

static void hand_over(struct pend *p)
{
	int fd = p->fd;
	struct sockaddr_in sa = p->addr;
	if (p->watched)
		epoll_ctl(g.ep, EPOLL_CTL_DEL, fd, NULL);
	forget(p);
	/* MHD owns and closes the socket from here, also when it refuses it (its own
	 * connection limit or per-address limit reached) */
	MHD_add_connection(g.cfg.mhd, fd, (const struct sockaddr *)&sa, sizeof(sa));
}

static void log_malformed(const struct pend *p)
{
	if (++g.malformed > 10)	/* a flood is summed up in the minute's report */
		return;
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p->addr.sin_addr, ip, sizeof(ip));
	log_warn("http: %d to %s: %s%s%s", p->hc.status, ip, p->hc.reason,
		 p->hc.field[0] ? ", field " : "", p->hc.field);
}

/* Peek at what a connection whose head is still arriving has sent: the whole head goes to
 * MHD, a bad one is answered. Peeked bytes stay in the socket, so each peek returns the head
 * from its first byte and only the new tail is checked. Returns 0 when the connection has
 * left the guard (handed over or dropped), 1 when it stays (waiting, or answered and
 * lingering). EVENTS: the epoll events that woke us, 0 right after the accept. */
static int peek_head(struct pend *p, uint32_t events)
{
	ssize_t n = recv(p->fd, g.scratch, sizeof(g.scratch), MSG_PEEK | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			drop(p);
			return 0;
		}
		return 1;
	}
	if ((size_t)n <= p->head.len) {	/* nothing new: the client closed, or a stray wakeup */
		if (n == 0 || (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
			drop(p);
			return 0;
		}
		return 1;
	}
	sb_add(&p->head, g.scratch + p->head.len, (size_t)n - p->head.len);
	enum head_result rc = head_check_feed(&p->hc, p->head.buf, p->head.len);
	if (rc == HEAD_DONE) {
		hand_over(p);
		return 0;
	} else if (rc == HEAD_BAD) {
		log_malformed(p);
		answer(p, p->hc.status, p->hc.field);
	} else if (p->head.len > HEAD_MAX) {
		answer(p, 431, NULL);
	} else if (++p->pieces > HEAD_MAX_PIECES) {
		/* each peek copies the head so far: a head dribbled in thousands of pieces
		 * would cost quadratic time */
		g.expired++;
		answer(p, 408, NULL);
	} else if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		drop(p);	/* closed before the head was complete */
		return 0;
	}
	return 1;
}

/* New bytes (or EOF) on a connection in the epoll set. Edge-triggered: each event means
 * something arrived since the last. */
static void on_readable(struct pend *p, uint32_t events)
{
	if (p->closing) {
		if (!drain(p->fd))
			drop(p);
		return;
	}
	peek_head(p, events);
}

static void accept_some(void)
{
	for (int i = 0; i < 256; i++) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		int fd = accept4(g.listen_fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
				/* out of descriptors: the listener would wake us at once, again and
				 * again; pause it for a moment instead */
				log_warn("http: accept: %s; pausing for 100 ms", strerror(errno));
				struct epoll_event ev = {.events = 0, .data.ptr = &g.listen_fd};
				epoll_ctl(g.ep, EPOLL_CTL_MOD, g.listen_fd, &ev);
				g.paused_until = now_ms() + 100;
			}
			return;
		}
		uint32_t ip = sa.sin_addr.s_addr;
		if (sl != sizeof(sa) || sa.sin_family != AF_INET || g.npending >= g.cfg.max_connections ||
		    addr_count(ip) >= (uint32_t)g.cfg.max_per_address) {
			refuse(fd);
			continue;
		}
		struct pend *p = xcalloc(1, sizeof(*p));
		p->fd = fd;
		p->addr = sa;
		sb_init(&p->head, 0);
		p->deadline = now_ms() + (int64_t)g.cfg.head_timeout_s * 1000;
		plist_add(&g.waiting, p);
		g.npending++;
		addr_inc(ip);
		/* a client sends its request right after connecting, so the whole head is
		 * usually in the socket already: check it now, and the connection goes to MHD
		 * without entering the epoll set (two epoll_ctl calls and a wakeup less per
		 * request, on the one thread every connection passes) */
		if (!peek_head(p, 0))
			continue;
		/* edge-triggered: peeked bytes stay in the socket, so a level-triggered set
		 * would report the same unfinished head again and again. Adding reports bytes
		 * that came after the peek above, so none are missed. */
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = p};
		if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev))
			drop(p);
		else
			p->watched = 1;
	}
}

/* Deadlines that have passed: heads not complete in time get 408, lingering ones close. */
static void expire(int64_t now)
{
	while (g.waiting.first && g.waiting.first->deadline <= now) {
		g.expired++;
		answer(g.waiting.first, 408, NULL);
	}
	while (g.closing.first && g.closing.first->deadline <= now)
		drop(g.closing.first);
	if (g.paused_until && g.paused_until <= now) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &g.listen_fd};
		epoll_ctl(g.ep, EPOLL_CTL_MOD, g.listen_fd, &ev);
		g.paused_until = 0;
	}
	if (now >= g.next_report) {
		if (g.refused || g.expired || g.malformed > 10)
			log_warn("http: in the last minute %lu connections refused (over http.max_per_address "
				 "or http.max_connections), %lu request heads not complete within "
				 "http.head_timeout, %lu malformed", g.refused, g.expired, g.malformed);
		g.refused = g.expired = g.malformed = 0;
		g.next_report = now + REPORT_MS;
	}
}

static int next_timeout(int64_t now)
{
	int64_t next = now + 1000;	/* at least once a second, for the report */
	if (g.waiting.first && g.waiting.first->deadline < next)
		next = g.waiting.first->deadline;
	if (g.closing.first && g.closing.first->deadline < next)
		next = g.closing.first->deadline;
	if (g.paused_until && g.paused_until < next)
		next = g.paused_until;
	return next > now ? (int)(next - now) : 0;
}

static void *guard_main(void *arg)
{
	(void)arg;
	struct epoll_event evs[64];
	for (;;) {
		int n = epoll_wait(g.ep, evs, 64, next_timeout(now_ms()));
		if (n < 0 && errno != EINTR) {
			log_error("http: epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;
			if (tag == &g.wake_fd)
				return NULL;
			if (tag == &g.listen_fd)
				accept_some();
			else
				on_readable(tag, evs[i].events);
		}
		expire(now_ms());
	}
	return NULL;
}

int guard_start(const struct guard_config *cfg)
{
	memset(&g, 0, sizeof(g));
	g.cfg = *cfg;
	g.listen_fd = g.ep = g.wake_fd = -1;
	size_t slots = 16;
	while (slots < (size_t)cfg->max_connections * 2)
		slots *= 2;
	g.keys = xcalloc(slots, sizeof(*g.keys));
	g.counts = xcalloc(slots, sizeof(*g.counts));
	g.mask = slots - 1;
	g.next_report = now_ms() + REPORT_MS;
	int one = 1;
	g.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (g.listen_fd < 0 ||
	    setsockopt(g.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(g.listen_fd, (const struct sockaddr *)&cfg->addr, sizeof(cfg->addr)) ||
	    listen(g.listen_fd, SOMAXCONN)) {
		log_error("http: cannot listen: %s", strerror(errno));
		goto fail;
	}
	g.ep = epoll_create1(EPOLL_CLOEXEC);
	g.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &g.listen_fd};
	struct epoll_event wev = {.events = EPOLLIN, .data.ptr = &g.wake_fd};
	if (g.ep < 0 || g.wake_fd < 0 || epoll_ctl(g.ep, EPOLL_CTL_ADD, g.listen_fd, &lev) ||
	    epoll_ctl(g.ep, EPOLL_CTL_ADD, g.wake_fd, &wev)) {
		log_error("http: cannot set up the listener: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&g.thread, NULL, guard_main, NULL)) {
		log_error("http: cannot start the listener thread");
		goto fail;
	}
	g.started = 1;
	return 0;
fail:
	guard_stop();
	return -1;
}

void guard_stop(void)
{
	if (g.started) {
		uint64_t one = 1;
		ssize_t w = write(g.wake_fd, &one, sizeof(one));
		(void)w;
		pthread_join(g.thread, NULL);
		g.started = 0;
	}
	while (g.waiting.first)
		drop(g.waiting.first);
	while (g.closing.first)
		drop(g.closing.first);
	if (g.listen_fd >= 0)
		close(g.listen_fd);
	if (g.ep >= 0)
		close(g.ep);
	if (g.wake_fd >= 0)
		close(g.wake_fd);
	g.listen_fd = g.ep = g.wake_fd = -1;
	free(g.keys);
	free(g.counts);
	g.keys = g.counts = NULL;
}
