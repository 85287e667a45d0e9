/*
 * metrics_http.c — /metrics for Prometheus, in one of two ways (docs/operations.md):
 *   metrics.listen = 127.0.0.1:9108   its own address, nothing else served there (bind it
 *                                     where only the monitoring host reaches);
 *   metrics.token = SECRET            on the main address, with "Authorization: Bearer SECRET".
 * With neither, /metrics is a 404 like any unknown path: request counts by route tell an
 * outsider what the plant uses.
 */
#include "http/http.h"
#include "http/guard.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/text.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

int http_parse_listen(const char *listen, struct sockaddr_in *sa);	/* server.c */

static struct MHD_Daemon *metrics_daemon;
static const char *token = "";

static char *render(size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	metrics_gauge_set("anquan_open_connections", "Requests being read or answered now.",
			  (double)http_open_connections());
	metrics_render(&sb);
	return sb_detach(&sb, len);
}

int http_metrics_answer(struct req *r)
{
	if (strcmp(r->path, "/metrics") != 0 || !*token)
		return 0;
	r->is_api = 1;
	const char *auth = req_header(r, "Authorization");
	if (!auth || strncmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) != strlen(token) ||
	    !text_ct_equal(auth + 7, token)) {
		resp_header(r, "WWW-Authenticate", "Bearer");
		resp_error(r, 401, "unauthenticated", i18n_get(r->lang, "error.login_required"), "Authorization");
		return 1;
	}
	size_t len;
	char *body = render(&len);
	resp_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", body, len);
	free(body);
	return 1;
}

static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	(void)upload;
	(void)con_cls;
	if (*upload_size) {	/* no bodies here */
		*upload_size = 0;
		return MHD_YES;
	}
	int ok = strcmp(url, "/metrics") == 0 && (!strcmp(method, "GET") || !strcmp(method, "HEAD"));
	size_t len = 9;
	char *body = ok ? render(&len) : strdup("not found");
	if (!body)
		return MHD_NO;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ok ? "text/plain; version=0.0.4; charset=utf-8"
							   : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, ok ? 200 : 404, resp);
	MHD_destroy_response(resp);
	return ret;
}

int http_metrics_start(const struct http_config *cfg)
{
	token = cfg->metrics_token ? cfg->metrics_token : "";
	if (!cfg->metrics_listen || !*cfg->metrics_listen)
		return 0;
	struct sockaddr_in sa;
	if (http_parse_listen(cfg->metrics_listen, &sa)) {
		log_error("metrics: cannot parse metrics.listen '%s' (want HOST:PORT)", cfg->metrics_listen);
		return -1;
	}
	metrics_daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
					  NULL, NULL, on_metrics, NULL,
					  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					  MHD_OPTION_CONNECTION_LIMIT, 16u,
					  MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!metrics_daemon) {
		log_error("metrics: cannot listen on %s", cfg->metrics_listen);
		return -1;
	}
	log_info("metrics on http://%s/metrics", cfg->metrics_listen);
	return 0;
}

void http_metrics_stop(void)
{
	if (metrics_daemon)
		MHD_stop_daemon(metrics_daemon);
	metrics_daemon = NULL;
}
