/*
 * xlsx_file.h — the temporary file behind an XLSX export. libxlsxwriter writes workbooks to
 * a file, not to memory, so every export opens one here, writes its sheets, and reads the
 * finished bytes back for the response; the file is always removed.
 */
#ifndef ANQUAN_XLSX_FILE_H
#define ANQUAN_XLSX_FILE_H

#include <xlsxwriter.h>

#include "base/strbuf.h"

/* A workbook on a fresh file under $TMPDIR (or /tmp). NULL on failure; *path is malloc'd
 * and must be handed to xlsx_finish() either way when non-NULL. */
lxw_workbook *xlsx_open(char **path);
/* Close the workbook (wb may be NULL), append the file's bytes to out (NULL: discard them),
 * remove the file and free path. 0 on success. */
int xlsx_finish(lxw_workbook *wb, char *path, struct strbuf *out);

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#endif
