/*
 * ingest.h: the state one cco-ingest run shares across its files.
 */
#ifndef INGEST_INGEST_H
#define INGEST_INGEST_H

#include <sqlite3.h>
#include <stdint.h>

#include "layout.h"
#include "memberset.h"

struct ingest {
	sqlite3 *db;                 /* WORKSPACE/cco.db */
	char *outdir;                /* WORKSPACE/ingest */
	int level;                   /* zstd level of the outputs */
	int threads;                 /* limits.threads: 2 or more, a large
					file is read in two parts at once */
	uint64_t split_bytes;        /* limits.split_kb: from this size on */
	double threshold;            /* reject rate that fails a file */
	int date_min, date_max;      /* plausible dates */
	struct memberset members;    /* members of successful loads */
	int members_known;           /* some members file was loaded */
	char *over;                  /* "a.csv 6.20%, b.csv 1.10%": the files
					over the threshold, for the last line */
	int nover;
};

/* Load one extract file with layout l (path "-": standard input, named
 * "-" in the run database).  Prints the file's summary.  Returns 0 when
 * the file was loaded (or had been already), 1 when it failed the reject
 * threshold or was unreadable as an extract (nothing committed), -1 on an
 * I/O or database error (err_msg() set, nothing committed). */
int load_file(struct ingest *in, const char *path, struct layout *l);

/* Add the members of every earlier successful load to in->members.
 * Returns 0 or -1 with err_msg() set. */
int load_known_members(struct ingest *in);

#endif
