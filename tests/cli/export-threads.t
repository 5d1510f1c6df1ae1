#!/bin/bash
# cco-export builds the clinic worklists on a thread of its own beside the
# gap lists and the reports (limits.threads): every output is byte for
# byte that of the run on one thread, and a failure on that thread fails
# the stage with its message and commits nothing, as on one thread.
. "$(dirname "$0")/../lib.sh"

cco-gen -q --members 400 --year 2025 --months --valuesets "$CCO_ROOT/config/valuesets" --out ex
test_shipped_config

# exported_fresh SET...: a fresh export of the run, then its outputs as "outputs"
exported_fresh() {
	rm -rf ws/export &&
	cco-export -q -c cfg/pipeline.ini "$@" &&
	test_exported >outputs
}

test_expect_success 'setup: 400 members through measure; export on one thread' '
	for s in ingest normalize attribute measure; do
		cco-$s -q -c cfg/pipeline.ini || return 1
	done &&
	exported_fresh --set limits.threads=1 &&
	mv outputs one
'

test_expect_success 'the run has worklists, candidate lists and gap lists (the fixture proves something)' '
	test $(ls ws/export/worklists/*/*.csv | wc -l) -gt 1 &&
	test $(ls ws/export/candidates/*/*.csv | wc -l) -gt 1 &&
	test $(ls ws/export/gaps/*.csv | wc -l) -gt 1
'

test_expect_success 'two threads: the same files, bytes and database rows' '
	exported_fresh --set limits.threads=2 &&
	test_cmp one outputs
'

test_expect_success 'the default (two threads): the same' '
	exported_fresh &&
	test_cmp one outputs
'

test_expect_success 'two threads, a sort buffer of 1 KB (many runs each): the same' '
	exported_fresh --set limits.sort_buffer_kb=1 &&
	test_cmp one outputs
'

# tree: every path under ws/export, and every file's hash but the
# database's, whose rows test_exported shows
tree() {
	(cd ws/export && find . | sort && find . -type f ! -name results.db | sort | xargs sha256sum) &&
	test_exported
}

# members_cut_fails SET...: with the members file (which only the
# worklists read) cut short, an export as of another date (whose lists
# would differ) exits 1 naming the file, and the export tree is as before
members_cut_fails() {
	tree >before &&
	cp ws/normalize/members.rec.zst members.whole &&
	cp members.cut ws/normalize/members.rec.zst &&
	test_must_fail --code 1 cco-export -q -c cfg/pipeline.ini \
		--set run.as_of=2026-01-31 "$@" 2>err &&
	cp members.whole ws/normalize/members.rec.zst &&
	test_grep "^cco-export: .*normalize/members.rec.zst:[0-9]*: truncated file" err &&
	tree >after &&
	test_cmp before after
}

test_expect_success 'setup: the members cut halfway; another as-of date changes the lists' '
	n=$(zstdcat ws/normalize/members.rec.zst | wc -l) &&
	zstdcat ws/normalize/members.rec.zst | head -n $((n / 2)) | zstd -q >members.cut &&
	cco-export -q -c cfg/pipeline.ini --set run.as_of=2026-01-31 &&
	! test_exported | diff -q one - >/dev/null &&
	exported_fresh &&
	test_cmp one outputs
'

test_expect_success 'members cut short: two threads fail with the worklists error, nothing committed' '
	members_cut_fails --set limits.threads=2
'

test_expect_success 'members cut short: one thread, the same' '
	members_cut_fails --set limits.threads=1
'

test_done
