/*
 * test_local_path.c — http_local_path(), the one check behind every redirect and link whose
 * target comes from outside (the page after sign-in, a notification's link, resp_redirect):
 * paths on this site pass, anything a browser would take to another host, or that would
 * split a header, gives the fallback.
 */
#include "unit.h"
#include "http/http.h"

TEST(local_path_keeps_paths_on_this_site)
{
	CHECK_STR(http_local_path("/", "/x"), "/");
	CHECK_STR(http_local_path("/hazards/12?tab=flow#a", "/x"), "/hazards/12?tab=flow#a");
	CHECK_STR(http_local_path("/a//b", "/x"), "/a//b");
}

TEST(local_path_refuses_other_hosts_and_header_splitting)
{
	CHECK_STR(http_local_path(NULL, "/inbox"), "/inbox");
	CHECK_STR(http_local_path("", "/inbox"), "/inbox");
	CHECK_STR(http_local_path("//evil.example/", "/"), "/");
	CHECK_STR(http_local_path("/\\evil.example/", "/"), "/");
	CHECK_STR(http_local_path("https://evil.example/", "/"), "/");
	CHECK_STR(http_local_path("hazards", "/"), "/");
	CHECK_STR(http_local_path("/a\r\nSet-Cookie: x=1", "/"), "/");
	CHECK_STR(http_local_path("/a\tb", "/"), "/");
	CHECK_STR(http_local_path("/a\x7f", "/"), "/");
}
