/*
 * xlsx_file.c — open a workbook on a temporary file; close it and read it back.
 */
#include "web/xlsx_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

lxw_workbook *xlsx_open(char **path)
{
	const char *tmp = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/anquan-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	*path = sb_detach(&sb, NULL);
	int fd = mkstemp(*path);
	if (fd < 0) {
		free(*path);
		*path = NULL;
		return NULL;
	}
	close(fd);
	return workbook_new(*path);
}

int xlsx_finish(lxw_workbook *wb, char *path, struct strbuf *out)
{
	int rc = -1;
	if (wb && workbook_close(wb) == LXW_NO_ERROR && path && out) {
		FILE *f = fopen(path, "rb");
		if (f) {
			char buf[16384];
			size_t n;
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
				sb_add(out, buf, n);
			rc = ferror(f) ? -1 : 0;
			fclose(f);
		}
	}
	if (path) {
		unlink(path);
		free(path);
	}
	return rc;
}
