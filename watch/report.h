/* watch/report.h - the HTML report of sekisho-watch (--report FILE.html). */
#ifndef SEKISHO_WATCH_REPORT_H
#define SEKISHO_WATCH_REPORT_H

#include "alert.h"
#include "detect.h"
#include "source.h"

/* Writes the page to path (through path.new, renamed); 0, or -1. */
int wk_report_write(const char *path, const wk_sink *sink, const wk_input *in, int nin,
		    const wk_detect *d);

#endif
