/*
 * fuzz_http.c — libFuzzer target for everything a client can send: request line, router,
 * query strings, headers, cookies, url-encoded and multipart forms, JSON bodies.
 *
 * The real server runs in this process on a loopback port over a temporary database with
 * the demo company loaded; each input is written raw to a fresh connection, the write side
 * is shut, and the answer is read until the server closes. A crash, a sanitizer report or a
 * hang in the server is a finding. The first input also signs in, and inputs may contain
 * the marker "@SESSION@", replaced by a live session cookie and CSRF token, so the fuzzer
 * reaches the handlers behind the login.
 */
#include "base/config.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "cli/cli.h"
#include "db/db.h"
#include "http/http.h"
#include "web/i18n.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int port;
static char session_cookie[200];

static int connect_server(int timeout_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send one raw request and read the answer for at most timeout_ms per read. A request
 * with a body shorter than its Content-Length would hold the connection until the
 * server's idle timeout; the short read timeout lets the fuzzer move on instead. */
static size_t exchange(const char *req, size_t n, struct strbuf *answer, int timeout_ms)
{
	int fd = connect_server(timeout_ms);
	if (fd < 0)
		abort();	/* the server died */
	ssize_t w = write(fd, req, n);
	(void)w;
	shutdown(fd, SHUT_WR);
	/* Read until the server closes or one whole response has arrived: libmicrohttpd keeps
	 * a kept-alive connection open after answering even when our side is shut. */
	struct strbuf got = STRBUF_INIT;
	char buf[4096];
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		sb_add(&got, buf, (size_t)r);
		const char *end = strstr(got.buf, "\r\n\r\n");
		if (!end)
			continue;
		const char *cl = strcasestr(got.buf, "\r\nContent-Length:");
		size_t want = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
		if (got.len >= (size_t)(end + 4 - got.buf) + want)
			break;
	}
	close(fd);
	size_t len = got.len;
	if (answer)
		sb_add(answer, got.buf, got.len);
	sb_release(&got);
	return len;
}

static void sign_in(void)
{
	const char *body = "{\"username\":\"admin\",\"password\":\"Fuzz-Pass-2026\"}";
	struct strbuf req = STRBUF_INIT, ans = STRBUF_INIT;
	sb_addf(&req, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
		      "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
	exchange(req.buf, req.len, &ans, 10000);
	const char *t = strstr(ans.buf, "\"token\":\"");
	if (t)
		snprintf(session_cookie, sizeof(session_cookie), "%.64s", t + 9);
	sb_release(&req);
	sb_release(&ans);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static char dir[] = "/tmp/anquan-fuzz-XXXXXX";
	if (!mkdtemp(dir) || sodium_init() < 0)
		abort();
	cfg.data = dir;
	setenv("ANQUAN_DEMO_PASSWORD", "Fuzz-Pass-2026", 1);
	log_quiet(1);
	struct db *c = cli_open_db();
	if (!c || demo_load(c, 1))
		abort();
	db_close(c);
	char *err = NULL;
	i18n_init();
	if (db_pool_init(cli_db_path(), 4, &err))
		abort();
	/* find a free port by binding to 0 first */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(s, (struct sockaddr *)&sa, &sl);
	port = ntohs(sa.sin_port);
	close(s);
	static char listen[32];
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	struct http_config hc = {.listen = listen, .threads = 2, .max_connections = 64,
				 .idle_timeout_s = 1, .head_timeout_s = 1, .max_per_address = 64};
	if (http_start(&hc))
		abort();
	sign_in();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf req = STRBUF_INIT;
	const char *marker = "@SESSION@";
	size_t ml = strlen(marker);
	for (size_t i = 0; i < size; i++) {
		if (i + ml <= size && memcmp(data + i, marker, ml) == 0) {
			sb_addf(&req, "Authorization: Bearer %s", session_cookie);
			i += ml - 1;
		} else {
			sb_addc(&req, (char)data[i]);
		}
	}
	exchange(req.buf, req.len, NULL, 100);
	sb_release(&req);
	return 0;
}
