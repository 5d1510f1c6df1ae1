/*
 * qcollect.c: a run's data-quality counts (see quality.h, cco-quality(5)).
 *
 * The named counts come from what the stages already record in cco.db
 * (ingest's extract and extract_reject rows of the latest extract of each
 * kind, normalize's normalize_count) and from one streaming pass over
 * normalize's claims and pharmacy files: the final claims of the latest
 * claims extract, by partner (the member's partner in the claim's service
 * month, from normalize/member_months), claim type and service month.
 * The pass holds one member's months at a time and one counter per
 * partner, claim type and month: memory independent of the population.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "hash.h"
#include "manifest.h"
#include "quality.h"
#include "rec.h"
#include "shard.h"
#include "xalloc.h"

/* ---- named counts ---- */

struct qcount {
	char *name;
	long long value;
};

struct qcounts {
	struct qcount *v;
	size_t n, cap;
};

static void counts_add(struct qcounts *c, const char *name, long long value)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0) {
			c->v[i].value += value;
			return;
		}
	xgrow(&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n].name = xstrdup(name);
	c->v[c->n++].value = value;
}

/* The count called name; 0 when nothing recorded it (no such reject). */
static long long counts_get(const struct qcounts *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return c->v[i].value;
	return 0;
}

static void counts_release(struct qcounts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
}

/* The latest extracts: of each kind, the one loaded (or failed) last. */
#define LATEST_EXTRACTS "(SELECT max(seq) FROM extract GROUP BY kind)"

/* Add "PREFIXname" = value for each (name, value) row sql returns. */
static int counts_from_sql(sqlite3 *db, const char *sql, const char *prefix,
			   struct qcounts *c)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *name = xasprintf("%s%s", prefix, (const char *)sqlite3_column_text(st, 0));

		counts_add(c, name, sqlite3_column_int64(st, 1));
		free(name);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : err_set("%s", sqlite3_errmsg(db));
}

/* The root of shard k of n of workspace ws (shard.h); caller frees. */
static char *root_of(const char *ws, int k, int n)
{
	struct shard s = { k, n };

	return shard_root(ws, &s);
}

/* normalize.KIND.METRIC, summed over the n shards of ws (one: db's). */
static int normalize_counts(sqlite3 *db, const char *ws, int n, struct qcounts *c)
{
	static const char sql[] = "SELECT kind || '.' || metric, value FROM normalize_count";
	int rc = 0;

	if (n == 1)
		return counts_from_sql(db, sql, "normalize.", c);
	for (int k = 1; k <= n && rc == 0; k++) {
		char *root = root_of(ws, k, n);
		char *path = xasprintf("%s/cco.db", root);
		sqlite3 *shard_db = db_open(path);

		rc = shard_db ? counts_from_sql(shard_db, sql, "normalize.", c) : -1;
		if (rc < 0)
			err_set("%s: %s", path, err_msg());
		db_close(shard_db);
		free(path);
		free(root);
	}
	return rc;
}

/* ingest.read, .accepted, .rejected, .out_of_period, .reject.REASON of
 * the latest extracts; normalize.KIND.METRIC.  Returns 0 or -1. */
static int counts_from_stages(sqlite3 *db, const char *ws, int n, struct qcounts *c)
{
	static const char totals[] =
		"SELECT 'read', coalesce(sum(rows_read), 0) FROM extract WHERE seq IN "
		LATEST_EXTRACTS " UNION ALL SELECT 'accepted', coalesce(sum(accepted), 0)"
		" FROM extract WHERE seq IN " LATEST_EXTRACTS " UNION ALL SELECT"
		" 'rejected', coalesce(sum(rejected), 0) FROM extract WHERE seq IN "
		LATEST_EXTRACTS " UNION ALL SELECT 'out_of_period',"
		" coalesce(sum(out_of_period), 0) FROM extract WHERE seq IN "
		LATEST_EXTRACTS;

	if (counts_from_sql(db, totals, "ingest.", c) < 0 ||
	    counts_from_sql(db, "SELECT reason, sum(count) FROM extract_reject WHERE"
			    " seq IN " LATEST_EXTRACTS " GROUP BY reason",
			    "ingest.reject.", c) < 0)
		return -1;
	return normalize_counts(db, ws, n, c);
}

/* ---- volumes: a small hash table of (partner, claim type, month) ---- */

struct vslot {
	char *key;          /* "PARTNER<TAB>TYPE<TAB>YYYY-MM"; NULL: empty */
	long long claims;
};

struct volumes {
	struct vslot *slot;
	size_t cap, n;      /* cap: a power of two */
	struct vslot *last; /* the slot counted last; NULL after a grow */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct vslot *volumes_slot(struct vslot *slot, size_t cap, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (cap - 1);

	while (slot[i].key && strcmp(slot[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static void volumes_grow(struct volumes *v)
{
	size_t cap = v->cap ? v->cap * 2 : 256;
	struct vslot *slot = xcalloc(cap, sizeof(*slot));

	for (size_t i = 0; i < v->cap; i++)
		if (v->slot[i].key)
			*volumes_slot(slot, cap, v->slot[i].key) = v->slot[i];
	free(v->slot);
	v->slot = slot;
	v->cap = cap;
	v->last = NULL;
}

/* Count one claim.  Claims come by member and date, so most repeat the
 * key before: that one is compared first, without hashing. */
static void volumes_add(struct volumes *v, const char *partner, const char *type,
			const char *date)
{
	char key[256];
	struct vslot *s;

	snprintf(key, sizeof(key), "%s\t%s\t%.7s", partner, type, date);
	if (v->last && strcmp(v->last->key, key) == 0) {
		v->last->claims++;
		return;
	}
	if (2 * (v->n + 1) > v->cap)
		volumes_grow(v);
	s = volumes_slot(v->slot, v->cap, key);
	if (!s->key) {
		s->key = xstrdup(key);
		v->n++;
	}
	s->claims++;
	v->last = s;
}

static void volumes_release(struct volumes *v)
{
	for (size_t i = 0; i < v->cap; i++)
		free(v->slot[i].key);
	free(v->slot);
	memset(v, 0, sizeof(*v));
}

/* ---- one member's months, read in step with the claims ---- */

struct mmonth {
	char month[8];      /* YYYY-MM */
	char *partner;
	long long days;
};

struct months {
	struct rec_reader *r;
	struct rec_row row;
	int pending;        /* row is read and not yet consumed */
	int eof;
	struct mmonth *m;   /* the current member's months, by month */
	size_t n, cap;
	size_t pos;         /* the first month not before the last date asked */
};

static void months_clear(struct months *mm)
{
	for (size_t i = 0; i < mm->n; i++)
		free(mm->m[i].partner);
	mm->n = 0;
}

static void months_keep(struct months *mm, const struct rec_row *row)
{
	struct mmonth *m;

	xgrow(&mm->m, &mm->cap, mm->n + 1, sizeof(*mm->m));
	m = &mm->m[mm->n++];
	snprintf(m->month, sizeof(m->month), "%s", row->field[1]);
	m->partner = xstrdup(row->field[2]);
	m->days = strtoll(row->field[3], NULL, 10);
}

/* Read member's months (the file is sorted by member, as the claims are;
 * members before it are passed over).  Returns 0 or -1 (damaged file). */
static int months_read(struct months *mm, const char *member)
{
	months_clear(mm);
	mm->pos = 0;
	while (!mm->eof) {
		int c;

		if (!mm->pending) {
			int rc = rec_reader_next(mm->r, &mm->row);

			if (rc < 0)
				return -1;
			mm->eof = rc == 0;
			mm->pending = rc == 1;
			continue;
		}
		c = strcmp(mm->row.field[0], member);
		if (c > 0)
			break;
		if (c == 0)
			months_keep(mm, &mm->row);
		mm->pending = 0;
	}
	return 0;
}

/* The member's partner in the month of date: the one with the most days
 * (the first listed on a tie); "" when not enrolled then.  Dates are
 * asked in order (the claims are sorted by member, then date), so the
 * months before the last one asked are passed over once. */
static const char *months_partner(struct months *mm, const char *date)
{
	const struct mmonth *best = NULL;

	while (mm->pos < mm->n && strncmp(mm->m[mm->pos].month, date, 7) < 0)
		mm->pos++;
	for (size_t i = mm->pos; i < mm->n && strncmp(mm->m[i].month, date, 7) == 0; i++)
		if (!best || mm->m[i].days > best->days)
			best = &mm->m[i];
	return best ? best->partner : "";
}

static int months_open(struct months *mm, const char *ws)
{
	char *path = xasprintf("%s/normalize/member_months.rec.zst", ws);

	memset(mm, 0, sizeof(*mm));
	mm->r = rec_reader_open(path);
	free(path);
	if (!mm->r || manifest_expect(mm->r) < 0 ||
	    rec_reader_expect(mm->r, rec_schema_find("member_months")) < 0)
		return -1;
	return 0;
}

static void months_close(struct months *mm)
{
	months_clear(mm);
	free(mm->m);
	rec_reader_close(mm->r);
}

/* ---- the pass over one claims file ---- */

/* How to read one kind of claims from normalize's outputs. */
struct claims_kind {
	const char *kind;      /* the extract kind, "medical_claims" */
	const char *file;      /* normalize's output, "claims" */
	const char *date_col;  /* the service date */
	const char *type_col;  /* the claim type; NULL: none ("-") */
};

static const struct claims_kind claims_kinds[] = {
	{ "medical_claims", "claims", "svc_date", "claim_type" },
	{ "pharmacy_claims", "pharmacy", "fill_date", NULL },
};

struct pass {
	struct rec_reader *r;
	int member, date, extract, type;  /* column indexes */
};

static int pass_open(struct pass *p, const char *ws, const struct claims_kind *k)
{
	char *path = xasprintf("%s/normalize/%s.rec.zst", ws, k->file);

	p->r = rec_reader_open(path);
	free(path);
	if (!p->r || manifest_expect(p->r) < 0 ||
	    rec_reader_expect(p->r, rec_schema_find(k->file)) < 0)
		return -1;
	rec_reader_prefetch(p->r);
	p->member = rec_reader_col(p->r, "member_id");
	p->date = rec_reader_col(p->r, k->date_col);
	p->extract = rec_reader_col(p->r, "extract");
	p->type = k->type_col ? rec_reader_col(p->r, k->type_col) : -1;
	return 0;
}

/* Count the final claims of extract seq (decimal text) by partner, type
 * and month into v; their number and those without a partner into c as
 * volume.claims, volume.unattributed and volume.KIND.*.  Returns 0 or -1. */
static int pass_run(const char *ws, const struct claims_kind *k, const char *seq,
		    struct volumes *v, struct qcounts *c)
{
	struct pass p = { 0 };
	struct months mm;
	struct rec_row row;
	char *member = xstrdup("");
	long long claims = 0, unattributed = 0;
	int rc = months_open(&mm, ws) < 0 || pass_open(&p, ws, k) < 0 ? -1 : 1;

	while (rc == 1 && (rc = rec_reader_next(p.r, &row)) == 1) {
		const char *partner;

		if (strcmp(row.field[p.extract], seq) != 0)
			continue;
		if (strcmp(row.field[p.member], member) != 0) {
			free(member);
			member = xstrdup(row.field[p.member]);
			if (months_read(&mm, member) < 0)
				rc = -1;
		}
		partner = months_partner(&mm, row.field[p.date]);
		volumes_add(v, partner, p.type < 0 ? "-" : row.field[p.type], row.field[p.date]);
		claims++;
		unattributed += !*partner;
	}
	free(member);
	months_close(&mm);
	rec_reader_close(p.r);
	counts_add(c, "volume.claims", claims);
	counts_add(c, "volume.unattributed", unattributed);
	return rc < 0 ? -1 : 0;
}

/* ---- storing ---- */

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS quality_check ("
	" run_id INTEGER NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,"
	" violated INTEGER NOT NULL, total INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, name));"
	"CREATE TABLE IF NOT EXISTS quality_volume ("
	" run_id INTEGER NOT NULL, kind TEXT NOT NULL, extract INTEGER NOT NULL,"
	" partner TEXT NOT NULL, claim_type TEXT NOT NULL, month TEXT NOT NULL,"
	" claims INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, kind, partner, claim_type, month));"
	"CREATE TABLE IF NOT EXISTS quality_source ("
	" run_id INTEGER PRIMARY KEY, normalize TEXT NOT NULL);";

static int store_checks(sqlite3 *db, const struct quality *q, long long run,
			const struct qcounts *c)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO quality_check VALUES (?, ?, ?, ?, ?)");
	int rc = 0;

	if (!st)
		return -1;
	for (size_t i = 0; i < q->nchecks && rc == 0; i++) {
		const struct qcheck *k = &q->checks[i];

		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, k->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, k->category, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, counts_get(c, k->violated));
		sqlite3_bind_int64(st, 5, counts_get(c, k->total));
		rc = db_step_done(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int store_volumes(sqlite3 *db, long long run, const char *kind, long long seq,
			 const struct volumes *v)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO quality_volume VALUES"
				      " (?, ?, ?, ?, ?, ?, ?)");
	int rc = 0;

	if (!st)
		return -1;
	for (size_t i = 0; i < v->cap && rc == 0; i++) {
		char *key = v->slot[i].key, *type, *month;

		if (!key)
			continue;
		type = strchr(key, '\t');
		month = strchr(type + 1, '\t');
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, seq);
		sqlite3_bind_text(st, 4, key, (int)(type - key), SQLITE_STATIC);
		sqlite3_bind_text(st, 5, type + 1, (int)(month - type - 1), SQLITE_STATIC);
		sqlite3_bind_text(st, 6, month + 1, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, v->slot[i].claims);
		rc = db_step_done(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The latest loaded extract holding claims of kind, 0 if none, -1. */
static long long latest_extract(sqlite3 *db, const char *kind)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(seq), 0) FROM extract"
				      " WHERE status = 'loaded' AND (',' || kind || ',')"
				      " LIKE '%,' || ? || ',%'");
	long long seq = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	else
		err_set("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return seq;
}

/* pass_run() over each of the n shards of ws. */
static int pass_run_shards(const char *ws, int n, const struct claims_kind *k,
			   const char *seq, struct volumes *v, struct qcounts *c)
{
	int rc = 0;

	for (int i = 1; i <= n && rc == 0; i++) {
		char *root = root_of(ws, i, n);

		rc = pass_run(root, k, seq, v, c);
		free(root);
	}
	return rc;
}

/* Count and store the volumes of each claims kind.  Returns 0 or -1. */
static int count_volumes(sqlite3 *db, const char *ws, int n, long long run,
			 struct qcounts *c)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(claims_kinds) / sizeof(claims_kinds[0]) && !rc; i++) {
		const struct claims_kind *k = &claims_kinds[i];
		long long seq = latest_extract(db, k->kind);
		struct volumes v = { 0 };
		char text[24];

		if (seq <= 0) {
			rc = (int)seq;
			continue;
		}
		snprintf(text, sizeof(text), "%lld", seq);
		rc = pass_run_shards(ws, n, k, text, &v, c);
		if (rc == 0)
			rc = store_volumes(db, run, k->kind, seq, &v);
		volumes_release(&v);
	}
	return rc;
}

/* The latest other run whose volumes were counted from normalize outputs
 * of manifest digest hex, 0 if none, -1. */
static long long counted_from(sqlite3 *db, long long run, const char *hex)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(run_id), 0) FROM quality_source"
				      " WHERE normalize = ? AND run_id <> ?");
	long long from = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		from = sqlite3_column_int64(st, 0);
	else
		err_set("%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return from;
}

/* Store run's volumes as those of run from, and their volume.* counts. */
static int copy_volumes(sqlite3 *db, long long run, long long from, struct qcounts *c)
{
	char *sql = xasprintf("INSERT INTO quality_volume SELECT %lld, kind, extract, partner,"
			      " claim_type, month, claims FROM quality_volume WHERE run_id = %lld",
			      run, from);
	char *sums = xasprintf("SELECT 'claims', coalesce(sum(claims), 0) FROM quality_volume"
			       " WHERE run_id = %lld UNION ALL SELECT 'unattributed',"
			       " coalesce(sum(claims), 0) FROM quality_volume WHERE run_id = %lld"
			       " AND partner = ''", from, from);
	int rc = db_exec(db, sql);

	if (rc == 0)
		rc = counts_from_sql(db, sums, "volume.", c);
	free(sql);
	free(sums);
	return rc;
}

/* The digest of the normalize outputs of the n shards of ws: of its
 * manifest, or of the shards' manifests' digests.  0 or -1. */
static int normalize_digest(const char *ws, int n, char hex[HASH_HEX_LEN + 1])
{
	char *all = xcalloc((size_t)n, HASH_HEX_LEN + 1);
	int rc = 0;

	for (int k = 1; k <= n && rc == 0; k++) {
		char *root = root_of(ws, k, n);
		char *manifest = xasprintf("%s/normalize/manifest", root);

		rc = hash_file(manifest, all + (size_t)(k - 1) * (HASH_HEX_LEN + 1));
		free(manifest);
		free(root);
	}
	if (rc == 0 && n == 1)
		memcpy(hex, all, HASH_HEX_LEN + 1);
	else if (rc == 0)
		hash_bytes(all, (size_t)n * (HASH_HEX_LEN + 1), hex);
	free(all);
	return rc;
}

/* The volumes of run: copied from a run that counted them from the same
 * normalize outputs (a rerun that skipped normalize reads no claims),
 * else counted.  Returns 0 or -1. */
static int collect_volumes(sqlite3 *db, const char *ws, int n, long long run,
			   struct qcounts *c)
{
	char hex[HASH_HEX_LEN + 1], *record;
	long long from;
	int rc = normalize_digest(ws, n, hex);

	if (rc < 0 || (from = counted_from(db, run, hex)) < 0)
		return -1;
	rc = from ? copy_volumes(db, run, from, c) : count_volumes(db, ws, n, run, c);
	record = xasprintf("INSERT OR REPLACE INTO quality_source VALUES (%lld, '%s')", run, hex);
	if (rc == 0)
		rc = db_exec(db, record);
	free(record);
	return rc;
}

static int collect(sqlite3 *db, const struct quality *q, const char *ws, int n,
		   long long run)
{
	struct qcounts c = { 0 };
	char *del = xasprintf("DELETE FROM quality_check WHERE run_id = %lld;"
			      "DELETE FROM quality_volume WHERE run_id = %lld", run, run);
	int rc = db_exec(db, del);

	free(del);
	if (rc == 0)
		rc = counts_from_stages(db, ws, n, &c);
	if (rc == 0)
		rc = collect_volumes(db, ws, n, run, &c);
	if (rc == 0)
		rc = store_checks(db, q, run, &c);
	counts_release(&c);
	return rc;
}

int quality_collect(const struct quality *q, const char *ws, int nshards, long long run)
{
	char *path = xasprintf("%s/cco.db", ws);
	sqlite3 *db = db_open(path);
	int rc = -1;

	free(path);
	if (db && db_exec(db, schema_sql) == 0 && db_exec(db, "BEGIN IMMEDIATE") == 0) {
		rc = collect(db, q, ws, nshards, run);
		if (rc == 0)
			rc = db_exec(db, "COMMIT");
		else
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	db_close(db);
	return rc;
}
