// peer.mjs: the DuckDB peer of `make bench`.  From the same raw CSV
// extracts as cco-ingest, computes partner-level denominator, exclusions
// and numerator of CIS (combo 3 and each antigen), COL and AMB-ED, the way
// config/measures/{cis,col,ed}.ini, cco-normalize(1) and cco-attribute(1)
// define them, and prints them as TSV:
//   measure_id  submeasure  partner_id  denominator  exclusions  numerator
// Bench only: never a runtime or test dependency of the pipeline.
//
// What it leaves out, because one extract directory written by cco-gen
// never needs it: restatements across extracts (every row here is of one
// extract) and dropping exact duplicate rows (they change no count below).
//
// usage: node peer.mjs EXTRACT_DIR VALUESET_DIR YEAR AS_OF [TIMINGS_FILE]
import { DuckDBInstance } from '@duckdb/node-api';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const [ex, vsdir, yearArg, asOf, timingsFile] = process.argv.slice(2);
if (!ex || !vsdir || !yearArg || !asOf) {
	process.stderr.write('usage: node peer.mjs EXTRACT_DIR VALUESET_DIR YEAR AS_OF [TIMINGS_FILE]\n');
	process.exit(2);
}
const year = Number(yearArg);
const myStart = `DATE '${year}-01-01'`, myEnd = `DATE '${year}-12-31'`;
const asOfD = `DATE '${asOf}'`;
const q = (s) => `'${s.replaceAll("'", "''")}'`;

// The value sets these measures and the claim categories name.
const needed = ['hospice', 'colorectal_cancer', 'total_colectomy', 'fobt', 'fit_dna',
	'flexible_sigmoidoscopy', 'ct_colonography', 'colonoscopy', 'dtap_vaccine',
	'ipv_vaccine', 'mmr_vaccine', 'hib_vaccine', 'hepb_vaccine', 'hepb_newborn',
	'vzv_vaccine', 'pcv_vaccine', 'cat_ed_revenue', 'cat_ed_cpt', 'cat_ed_pos',
	'cat_inpatient_revenue', 'cat_inpatient_bill_type', 'cat_transfer_status',
	'discharged_to_hospice', 'mental_health_cd_diagnosis', 'psychiatry_cpt'];

const claimCols = {
	claim_id: 'VARCHAR', line_number: 'INTEGER', member_id: 'VARCHAR',
	claim_type: 'VARCHAR', frequency_code: 'VARCHAR', original_claim_id: 'VARCHAR',
	claim_status: 'VARCHAR', adjudication_date: 'DATE', service_from: 'DATE',
	service_to: 'DATE', admission_date: 'DATE', discharge_date: 'DATE',
	discharge_status: 'VARCHAR', bill_type: 'VARCHAR', place_of_service: 'VARCHAR',
	revenue_code: 'VARCHAR', procedure_code: 'VARCHAR', modifier_1: 'VARCHAR',
	modifier_2: 'VARCHAR', modifier_3: 'VARCHAR', modifier_4: 'VARCHAR',
};
for (let i = 1; i <= 12; i++) claimCols[`diagnosis_${i}`] = 'VARCHAR';
for (let i = 1; i <= 3; i++) claimCols[`icd_procedure_${i}`] = 'VARCHAR';
Object.assign(claimCols, { billing_npi: 'VARCHAR', rendering_npi: 'VARCHAR',
	allowed_amount: 'DECIMAL(12,2)', paid_amount: 'DECIMAL(12,2)' });

// The code lists: the value-set files of four columns (a results file
// adds unit and value columns, for lab result sets the peer does not use).
const vsFiles = readdirSync(vsdir).filter((f) => f.endsWith('.csv') &&
	readFileSync(`${vsdir}/${f}`, 'utf8').split('\n', 1)[0] ===
	'valueset,code_system,code,description').sort().map((f) => `${vsdir}/${f}`);

const csv = (glob, cols) => `read_csv(${Array.isArray(glob) ? `[${glob.map(q).join(', ')}]` : q(glob)}, header = true, delim = ',', quote = '"',
	escape = '"', auto_detect = false, dateformat = '%Y-%m-%d', columns = {${
	Object.entries(cols).map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')}})`;

// ingest strips the dots of ICD-10 codes; normalize upper-cases them,
// pads 3-digit revenue codes and splits modifiers off procedure codes.
const dx = (c) => `nullif(upper(replace(trim(${c}), '.', '')), '')`;
const dxList = Array.from({ length: 12 }, (_, i) => `diagnosis_${i + 1}`);
const pcsList = ['icd_procedure_1', 'icd_procedure_2', 'icd_procedure_3'];

const steps = [
['value sets', `
CREATE TEMP TABLE vs AS
SELECT valueset, code_system AS sys,
       CASE WHEN code LIKE '%*' THEN 'prefix' WHEN code LIKE '%-%' THEN 'range' ELSE 'exact' END AS kind,
       CASE WHEN code LIKE '%*' THEN rtrim(code, '*') WHEN code LIKE '%-%' THEN split_part(code, '-', 1)
            ELSE code END AS lo,
       CASE WHEN code LIKE '%-%' THEN split_part(code, '-', 2) END AS hi
FROM ${csv(vsFiles, { valueset: 'VARCHAR', code_system: 'VARCHAR', code: 'VARCHAR', description: 'VARCHAR' })}
WHERE valueset IN (${needed.map(q).join(', ')})`],
['read members', `
CREATE TEMP TABLE members AS
SELECT member_id, birth_date AS birth, sex, death_date AS death
FROM ${csv(`${ex}/members.csv`, { member_id: 'VARCHAR', birth_date: 'DATE', sex: 'VARCHAR',
	race: 'VARCHAR', ethnicity: 'VARCHAR', language: 'VARCHAR', zip: 'VARCHAR', death_date: 'DATE',
	first_name: 'VARCHAR', last_name: 'VARCHAR', phone: 'VARCHAR', address: 'VARCHAR',
	city: 'VARCHAR', state: 'VARCHAR', interpreter: 'VARCHAR' })}
QUALIFY row_number() OVER (PARTITION BY member_id ORDER BY birth_date) = 1`],
// normalize: spans of one member and partner that overlap or abut are one;
// an open span runs through the as-of date
['enrollment spans', `
CREATE TEMP TABLE spans AS
WITH en AS (
  SELECT member_id, partner_id, start_date AS s, coalesce(end_date, ${asOfD}) AS e
  FROM ${csv(`${ex}/enrollment.csv`, { member_id: 'VARCHAR', partner_id: 'VARCHAR',
	start_date: 'DATE', end_date: 'DATE', benefit_package: 'VARCHAR' })}
  WHERE start_date IS NOT NULL),
o AS (
  SELECT *, max(e) OVER (PARTITION BY member_id, partner_id ORDER BY s, e
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_e
  FROM en),
g AS (
  SELECT *, sum(CASE WHEN prev_e IS NULL OR s > prev_e + 1 THEN 1 ELSE 0 END)
              OVER (PARTITION BY member_id, partner_id ORDER BY s, e) AS island
  FROM o)
SELECT member_id, partner_id, min(s) AS s, max(e) AS e FROM g GROUP BY member_id, partner_id, island`],
['read claims', `
CREATE TEMP TABLE raw AS
SELECT member_id, claim_id, line_number, claim_type, frequency_code, original_claim_id,
       claim_status, adjudication_date, service_from, service_to, admission_date,
       discharge_date, nullif(trim(discharge_status), '') AS dstat, bill_type, place_of_service AS pos,
       CASE WHEN length(trim(revenue_code)) = 3 THEN '0' || trim(revenue_code)
            ELSE nullif(trim(revenue_code), '') END AS rev,
       nullif(upper(left(trim(procedure_code), 5)), '') AS proc,
       ${[...dxList, ...pcsList].map((c) => `${dx(c)} AS ${c}`).join(',\n       ')}
FROM ${csv(`${ex}/medical_claims*.csv`, claimCols)}`],
// immunizations dated after the as-of date are held back
['read immunizations', `
CREATE TEMP TABLE imm AS SELECT member_id, immunization_date AS d, cvx FROM ${csv(`${ex}/immunizations.csv`, { member_id: 'VARCHAR', immunization_date: 'DATE', cvx: 'VARCHAR' })}
WHERE immunization_date <= ${asOfD}`],
// every distinct code of the claims, matched once against the value sets
// as libcco/valueset.c does: exact, same-length string range, or prefix
['code map', `
CREATE TEMP TABLE codes AS
SELECT DISTINCT sys, code FROM (
  SELECT 'REV' AS sys, rev AS code FROM raw
  UNION ALL SELECT 'POS', pos FROM raw
  UNION ALL SELECT 'BILLTYPE', bill_type FROM raw
  UNION ALL SELECT 'DISCHSTAT', dstat FROM raw
  UNION ALL SELECT CASE WHEN proc LIKE 'D%' THEN 'CDT'
                        WHEN regexp_matches(proc, '^[A-Za-z]') THEN 'HCPCS' ELSE 'CPT' END, proc FROM raw
  ${dxList.map((c) => `UNION ALL SELECT 'ICD10CM', ${c} FROM raw`).join('\n  ')}
  ${pcsList.map((c) => `UNION ALL SELECT 'ICD10PCS', "${c}" FROM raw`).join('\n  ')}
  UNION ALL SELECT 'CVX', cvx FROM imm)
WHERE code IS NOT NULL;
CREATE TEMP TABLE cmap AS
SELECT c.sys, c.code, v.valueset FROM codes c JOIN vs v ON v.sys = c.sys AND (
  (v.kind = 'exact' AND c.code = v.lo) OR
  (v.kind = 'prefix' AND starts_with(c.code, v.lo)) OR
  (v.kind = 'range' AND length(c.code) = length(v.lo) AND c.code >= v.lo AND c.code <= v.hi))`],
// cco-normalize: one claim per (member, claim id); header fields from the
// lowest line with a value; frequency 7 or 8, else an original.  The as-of
// snapshot: a claim paid (adjudicated, else on its latest through date)
// after the as-of date does not exist yet, so it is gone before versions
// are resolved (a void paid later leaves the claim it voids final)
['claim headers', `
CREATE TEMP TABLE hdr AS
SELECT member_id, claim_id,
       CASE min_by(frequency_code, line_number) FILTER (WHERE coalesce(frequency_code, '') <> '')
            WHEN '7' THEN 7 WHEN '8' THEN 8 ELSE 1 END AS freq,
       min_by(original_claim_id, line_number) FILTER (WHERE coalesce(original_claim_id, '') <> '') AS orig,
       min_by(adjudication_date, line_number) FILTER (WHERE adjudication_date IS NOT NULL) AS adj,
       min_by(claim_type, line_number) FILTER (WHERE coalesce(claim_type, '') <> '') AS ctype,
       min_by(admission_date, line_number) FILTER (WHERE admission_date IS NOT NULL) AS admit,
       min_by(discharge_date, line_number) FILTER (WHERE discharge_date IS NOT NULL) AS dis,
       min_by(bill_type, line_number) FILTER (WHERE coalesce(bill_type, '') <> '') AS bill,
       min_by(dstat, line_number) FILTER (WHERE dstat IS NOT NULL) AS dstat,
       bool_and(lower(claim_status) IN ('denied', 'd')) AS all_denied,
       bool_or(rev IN (SELECT code FROM cmap WHERE sys = 'REV' AND valueset = 'cat_inpatient_revenue')) AS ip_rev,
       coalesce(min_by(adjudication_date, line_number) FILTER (WHERE adjudication_date IS NOT NULL),
                max(service_to), max(service_from)) AS paid
FROM raw GROUP BY member_id, claim_id;
DELETE FROM hdr WHERE paid > ${asOfD}`],
// versions: a replacement or void links to the claim it adjusts within the
// member; linked claims form a family; its final version is the one no
// other adjusts, then the latest adjudication, then void > replacement >
// original, then the greatest claim id; a family ending in a void goes
['claim versions', `
CREATE TEMP TABLE links AS
SELECT h.member_id, h.claim_id, h.orig FROM hdr h
JOIN hdr t ON t.member_id = h.member_id AND t.claim_id = h.orig
WHERE h.freq <> 1 AND h.orig <> h.claim_id;
CREATE TEMP TABLE fam AS
WITH RECURSIVE up(member_id, claim_id, cur, d) AS (
  SELECT member_id, claim_id, orig, 1 FROM links
  UNION ALL
  SELECT up.member_id, up.claim_id, l.orig, up.d + 1 FROM up
  JOIN links l ON l.member_id = up.member_id AND l.claim_id = up.cur WHERE up.d < 64)
SELECT member_id, claim_id, arg_max(cur, d) AS root FROM up GROUP BY member_id, claim_id
UNION ALL
SELECT DISTINCT l.member_id, l.orig, l.orig FROM links l
ANTI JOIN links k ON k.member_id = l.member_id AND k.claim_id = l.orig;
CREATE TEMP TABLE final AS
SELECT h.member_id, h.claim_id FROM hdr h ANTI JOIN fam f USING (member_id, claim_id)
WHERE h.freq <> 8
UNION ALL
SELECT member_id, claim_id FROM (
  SELECT f.member_id, f.claim_id, h.freq,
         row_number() OVER (PARTITION BY f.member_id, f.root ORDER BY
             (s.claim_id IS NOT NULL), h.adj DESC NULLS LAST, h.freq DESC, h.claim_id DESC) AS rk
  FROM fam f JOIN hdr h USING (member_id, claim_id)
  LEFT JOIN (SELECT DISTINCT member_id, orig AS claim_id FROM links) s USING (member_id, claim_id))
WHERE rk = 1 AND freq <> 8`],
// the final claims' lines with their service date, the last day of their
// span (cco-measure(5): the through date, or the service date where there
// is none or it is earlier) and denied flag; header discharge status
['final lines', `
CREATE TEMP TABLE lines AS
SELECT r.member_id, r.claim_id, r.line_number, coalesce(r.service_from, r.service_to, h.admit) AS svc,
       CASE WHEN r.service_to >= coalesce(r.service_from, r.service_to, h.admit) THEN r.service_to
            ELSE coalesce(r.service_from, r.service_to, h.admit) END AS thru,
       lower(r.claim_status) IN ('denied', 'd') AS denied, r.pos, r.rev, r.proc,
       ${[...dxList, ...pcsList].map((c) => `r.${c}`).join(', ')},
       h.ctype, h.admit, h.dis, h.bill, h.dstat, h.all_denied, h.ip_rev
FROM raw r SEMI JOIN final f USING (member_id, claim_id)
JOIN hdr h USING (member_id, claim_id);
DROP TABLE raw`],
// cco-normalize's stays: inpatient claims (not all of whose lines are
// denied), ordered by admission, join the current stay when admitted before
// its discharge date (an interim bill), or on that date or the day after
// when its discharge status is a transfer (cat_transfer_status); a stay runs
// from the first admission to the latest discharge, with the discharge
// status of the claim discharging last.  While claims go in admission
// order, the latest discharge of all earlier claims is the current stay's.
['stays', `
CREATE TEMP TABLE ipc AS
SELECT DISTINCT member_id, claim_id, admit, dis, coalesce(dstat, '') AS dstat FROM lines
WHERE ctype = 'I' AND admit IS NOT NULL AND dis IS NOT NULL AND dis >= admit AND NOT all_denied
  AND (ip_rev OR bill IN (SELECT code FROM cmap WHERE valueset = 'cat_inpatient_bill_type'));
CREATE TEMP TABLE stays AS
WITH o AS (
  SELECT *, row_number() OVER (PARTITION BY member_id ORDER BY admit, dis, claim_id) AS rn FROM ipc),
p AS (
  SELECT *, max(dis) OVER w AS cur_dis, arg_max(dstat, (dis, rn)) OVER w AS cur_stat FROM o
  WINDOW w AS (PARTITION BY member_id ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
g AS (
  SELECT *, sum(CASE WHEN cur_dis IS NULL THEN 1
                     WHEN admit < cur_dis THEN 0
                     WHEN admit <= cur_dis + 1 AND cur_stat IN (SELECT code FROM cmap
                          WHERE sys = 'DISCHSTAT' AND valueset = 'cat_transfer_status') THEN 0
                     ELSE 1 END) OVER (PARTITION BY member_id ORDER BY rn) AS stay
  FROM p)
SELECT member_id, min(admit) AS admit, max(dis) AS dis, nullif(arg_max(dstat, (dis, rn)), '') AS dstat
FROM g GROUP BY member_id, stay`],
// value-set hits: (member, first day, last day, denied, value set) from
// claim lines (procedure code, revenue code, diagnoses, ICD procedures,
// place of service, bill type and the claim's discharge status; spanning
// service date through through date), stays (by discharge status, spanning
// admission through discharge) and the immunization registry
['hits', `
CREATE TEMP TABLE hits AS
WITH lc AS (
  SELECT member_id, svc, thru, denied,
         CASE WHEN proc LIKE 'D%' THEN 'CDT' WHEN regexp_matches(proc, '^[A-Za-z]') THEN 'HCPCS'
              ELSE 'CPT' END AS sys, proc AS code FROM lines
  UNION ALL SELECT member_id, svc, thru, denied, 'REV', rev FROM lines
  UNION ALL SELECT member_id, svc, thru, denied, 'POS', pos FROM lines
  UNION ALL SELECT member_id, svc, thru, denied, 'BILLTYPE', bill FROM lines
  UNION ALL SELECT member_id, svc, thru, denied, 'DISCHSTAT', dstat FROM lines
  ${dxList.map((c) => `UNION ALL SELECT member_id, svc, thru, denied, 'ICD10CM', "${c}" FROM lines`).join('\n  ')}
  ${pcsList.map((c) => `UNION ALL SELECT member_id, svc, thru, denied, 'ICD10PCS', "${c}" FROM lines`).join('\n  ')}
  UNION ALL SELECT member_id, admit, dis, false, 'DISCHSTAT', dstat FROM stays
  UNION ALL SELECT member_id, d, d, false, 'CVX', cvx FROM imm)
SELECT DISTINCT lc.member_id, lc.svc AS d, lc.thru, lc.denied, m.valueset
FROM lc JOIN cmap m ON m.sys = lc.sys AND m.code = lc.code
WHERE lc.svc IS NOT NULL AND m.valueset NOT LIKE 'cat\\_%' ESCAPE '\\'`],
// the exclusion of all three measures: any(hospice, my, overlaps) (a span
// with some day in the MY) or any(discharged_to_hospice, my, ends) (a span
// whose last day is in the MY); nd: by a service that is not denied
['hospice', `
CREATE TEMP TABLE hosp AS
SELECT member_id, bool_or(NOT denied) AS nd FROM hits
WHERE (valueset = 'hospice' AND d <= ${myEnd} AND thru >= ${myStart})
   OR (valueset = 'discharged_to_hospice' AND thru BETWEEN ${myStart} AND ${myEnd})
GROUP BY member_id`],
// cco-normalize's ED visits: one per member and date from the ED lines of
// final claims; admitted when the date lies from the day before a stay's
// admission through its discharge; denied when every ED line of the date
// is.  event.ed_visit except (mental_health_cd_diagnosis | psychiatry_cpt):
// mh when the visit's principal diagnosis (the first diagnosis of its first
// claim) is in mental_health_cd_diagnosis, or a line of one of its claims on
// its date has a procedure code in psychiatry_cpt.  The first claim: the
// lowest claim id with a non-denied ED line that date, else the lowest with
// an ED line.  cco-normalize(1) does not say how a visit's claims are
// ordered; its ed_visits records list those with a paid ED line first (a
// visit that counts takes its diagnosis from a claim the plan paid)
['ed visits', `
CREATE TEMP TABLE edl AS
SELECT l.member_id, l.svc, l.claim_id, l.denied FROM lines l
WHERE l.svc IS NOT NULL AND (
  l.rev IN (SELECT code FROM cmap WHERE valueset = 'cat_ed_revenue') OR
  (l.proc IN (SELECT code FROM cmap WHERE valueset = 'cat_ed_cpt' AND sys = 'CPT')
   AND NOT regexp_matches(l.proc, '^[A-Za-z]')) OR
  (l.proc IS NOT NULL AND l.pos IN (SELECT code FROM cmap WHERE valueset = 'cat_ed_pos')));
CREATE TEMP TABLE ed AS
WITH v AS (
  SELECT member_id, svc AS d, bool_and(denied) AS denied,
         min_by(claim_id, (denied, claim_id)) AS first_claim
  FROM edl GROUP BY member_id, svc),
pdx AS (
  SELECT member_id, claim_id,
         min_by(coalesce(${dxList.join(', ')}), line_number)
           FILTER (WHERE coalesce(${dxList.join(', ')}) IS NOT NULL) AS dx
  FROM lines SEMI JOIN v ON v.member_id = lines.member_id AND v.first_claim = lines.claim_id
  GROUP BY member_id, claim_id),
psy AS (
  SELECT DISTINCT l.member_id, l.svc AS d FROM lines l
  SEMI JOIN edl e ON e.member_id = l.member_id AND e.claim_id = l.claim_id AND e.svc = l.svc
  WHERE l.proc IN (SELECT code FROM cmap WHERE valueset = 'psychiatry_cpt' AND sys = 'CPT')
    AND NOT regexp_matches(l.proc, '^[A-Za-z]'))
SELECT v.member_id, v.d, v.denied,
       EXISTS (SELECT 1 FROM stays s WHERE s.member_id = v.member_id
               AND v.d BETWEEN s.admit - 1 AND s.dis) AS admitted,
       coalesce(pdx.dx IN (SELECT code FROM cmap WHERE valueset = 'mental_health_cd_diagnosis'
                           AND sys = 'ICD10CM'), false)
         OR psy.member_id IS NOT NULL AS mh
FROM v LEFT JOIN pdx ON pdx.member_id = v.member_id AND pdx.claim_id = v.first_claim
LEFT JOIN psy ON psy.member_id = v.member_id AND psy.d = v.d`],
// dates of the CIS population (birthday(N): a Feb 29 birth turns a year
// older on March 1 in common years, as libcco/date.c)
['cis', `
CREATE MACRO age_on(b, d) AS year(d) - year(b)
  - CASE WHEN month(d) < month(b) OR (month(d) = month(b) AND day(d) < day(b)) THEN 1 ELSE 0 END;
CREATE MACRO birthday(b, n) AS CASE WHEN age_on(b, CAST(b + to_years(n) AS DATE)) < n
  THEN CAST(b + to_years(n) AS DATE) + 1 ELSE CAST(b + to_years(n) AS DATE) END;
CREATE TEMP TABLE cis_pop AS
SELECT member_id, birth, death, birthday(birth, 1) AS b1, birthday(birth, 2) AS b2,
       birth + 42 AS min_dose
FROM members WHERE birthday(birth, 2) BETWEEN ${myStart} AND ${myEnd}`],
// continuous enrollment of each (member, window): at most max_gaps gaps of
// at most gap_days days, a gap at either end included
['windows', `
CREATE TEMP TABLE win AS
SELECT member_id, 'cis' AS wid, CAST(b2 - INTERVAL 1 YEAR AS DATE) + 1 AS wf, b2 AS wt FROM cis_pop
UNION ALL
SELECT member_id, 'col_prior', DATE '${year - 1}-01-01', DATE '${year - 1}-12-31' FROM members
WHERE age_on(birth, ${myEnd}) BETWEEN 45 AND 75
UNION ALL
SELECT member_id, 'col_my', ${myStart}, ${myEnd} FROM members
WHERE age_on(birth, ${myEnd}) BETWEEN 45 AND 75;
CREATE TEMP TABLE ce AS
WITH c AS (
  SELECT w.member_id, w.wid, w.wf, w.wt, greatest(s.s, w.wf) AS cs, least(s.e, w.wt) AS cend
  FROM win w JOIN spans s ON s.member_id = w.member_id AND s.s <= w.wt AND s.e >= w.wf),
o AS (
  SELECT *, coalesce(max(cend) OVER (PARTITION BY member_id, wid ORDER BY cs, cend
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), wf - 1) AS prev FROM c),
gaps AS (
  SELECT member_id, wid, cs - prev - 1 AS gap FROM o WHERE cs > prev + 1
  UNION ALL
  SELECT member_id, wid, any_value(wt) - max(cend) FROM o GROUP BY member_id, wid
  HAVING max(cend) < any_value(wt)
  UNION ALL
  SELECT w.member_id, w.wid, w.wt - w.wf + 1 FROM win w ANTI JOIN c USING (member_id, wid))
SELECT w.member_id, w.wid,
       coalesce(count(g.gap), 0) <= 1 AND coalesce(max(g.gap), 0) <= 45 AS ok
FROM win w LEFT JOIN gaps g USING (member_id, wid) GROUP BY w.member_id, w.wid`],
['cis results', `
CREATE TEMP TABLE cis AS
WITH den AS (
  SELECT p.* FROM cis_pop p
  JOIN ce ON ce.member_id = p.member_id AND ce.wid = 'cis' AND ce.ok
  WHERE EXISTS (SELECT 1 FROM spans s WHERE s.member_id = p.member_id AND s.s <= p.b2 AND s.e >= p.b2)),
pa AS (
  SELECT d.member_id, s.partner_id FROM den d
  JOIN spans s ON s.member_id = d.member_id AND s.s <= d.b2 AND s.e >= d.b2
  QUALIFY row_number() OVER (PARTITION BY d.member_id ORDER BY s.s DESC, s.partner_id) = 1),
pp AS (
  SELECT d.*, pa.partner_id,
         d.member_id IN (SELECT member_id FROM hosp)
         OR coalesce(d.death BETWEEN ${myStart} AND ${myEnd}, false) AS excluded
  FROM den d LEFT JOIN pa USING (member_id)),
n AS (
  SELECT pp.member_id,
    count(DISTINCT h.d) FILTER (WHERE h.valueset = 'dtap_vaccine' AND h.d BETWEEN pp.min_dose AND pp.b2) >= 4 AS dtap,
    count(DISTINCT h.d) FILTER (WHERE h.valueset = 'ipv_vaccine' AND h.d BETWEEN pp.min_dose AND pp.b2) >= 3 AS ipv,
    count(DISTINCT h.d) FILTER (WHERE h.valueset = 'mmr_vaccine' AND h.d BETWEEN pp.b1 AND pp.b2) >= 1 AS mmr,
    count(DISTINCT h.d) FILTER (WHERE h.valueset = 'hib_vaccine' AND h.d BETWEEN pp.min_dose AND pp.b2) >= 3 AS hib,
    count(DISTINCT h.d) FILTER (WHERE h.valueset IN ('hepb_vaccine', 'hepb_newborn') AND h.d BETWEEN pp.birth AND pp.b2) >= 3 AS hepb,
    count(DISTINCT h.d) FILTER (WHERE h.valueset = 'vzv_vaccine' AND h.d BETWEEN pp.b1 AND pp.b2) >= 1 AS vzv,
    count(DISTINCT h.d) FILTER (WHERE h.valueset = 'pcv_vaccine' AND h.d BETWEEN pp.min_dose AND pp.b2) >= 4 AS pcv
  FROM pp LEFT JOIN hits h ON h.member_id = pp.member_id GROUP BY pp.member_id)
SELECT pp.partner_id, pp.excluded, n.* EXCLUDE (member_id),
       dtap AND ipv AND mmr AND hib AND hepb AND vzv AND pcv AS combo3
FROM pp JOIN n USING (member_id)`],
['col results', `
CREATE TEMP TABLE col AS
WITH den AS (
  SELECT m.* FROM members m
  JOIN ce a ON a.member_id = m.member_id AND a.wid = 'col_prior' AND a.ok
  JOIN ce b ON b.member_id = m.member_id AND b.wid = 'col_my' AND b.ok
  WHERE EXISTS (SELECT 1 FROM spans s WHERE s.member_id = m.member_id AND s.s <= ${myEnd} AND s.e >= ${myEnd})),
h AS (
  SELECT h.member_id,
    bool_or(h.valueset IN ('colorectal_cancer', 'total_colectomy') AND h.d BETWEEN den.birth AND ${asOfD}) AS ever_excl,
    bool_or(h.valueset = 'fobt' AND h.d BETWEEN ${myStart} AND ${myEnd}
         OR h.valueset = 'fit_dna' AND h.d BETWEEN DATE '${year - 2}-01-01' AND ${myEnd}
         OR h.valueset IN ('flexible_sigmoidoscopy', 'ct_colonography')
            AND h.d BETWEEN DATE '${year - 4}-01-01' AND ${myEnd}
         OR h.valueset = 'colonoscopy' AND h.d BETWEEN DATE '${year - 9}-01-01' AND ${myEnd}) AS screened
  FROM den JOIN hits h ON h.member_id = den.member_id GROUP BY h.member_id)
SELECT pa.partner_id,
       coalesce(h.ever_excl, false) OR den.member_id IN (SELECT member_id FROM hosp)
         OR coalesce(den.death BETWEEN ${myStart} AND ${myEnd}, false) AS excluded,
       coalesce(h.screened, false) AS screened
FROM den LEFT JOIN h USING (member_id)
LEFT JOIN (
  SELECT s.member_id, s.partner_id FROM spans s WHERE s.s <= ${myEnd} AND s.e >= ${myEnd}
  QUALIFY row_number() OVER (PARTITION BY s.member_id ORDER BY s.s DESC, s.partner_id) = 1
) pa USING (member_id)`],
// AMB-ED: cco-attribute's partner of each MY month (enrolled on its last
// day), member months, and ED visits not admitted, not denied and not
// mental-health (except), of members without the hospice exclusion by a
// service that is not denied (denied_claims = no)
['ed results', `
CREATE TEMP TABLE mm AS
WITH months AS (
  SELECT month(d) AS mo, CAST(d AS DATE) AS first_day,
         CAST(d + INTERVAL 1 MONTH AS DATE) - 1 AS last_day
  FROM range(TIMESTAMP '${year}-01-01', TIMESTAMP '${year + 1}-01-01', INTERVAL 1 MONTH) t(d)),
enrolled AS (
  SELECT DISTINCT s.member_id, mo.mo, mo.last_day FROM spans s
  JOIN months mo ON s.s <= mo.last_day AND s.e >= mo.first_day
  SEMI JOIN members m ON m.member_id = s.member_id)
SELECT e.member_id, e.mo, pa.partner_id FROM enrolled e
LEFT JOIN (
  SELECT e.member_id, e.mo, s.partner_id FROM enrolled e
  JOIN spans s ON s.member_id = e.member_id AND s.s <= e.last_day AND s.e >= e.last_day
  QUALIFY row_number() OVER (PARTITION BY e.member_id, e.mo ORDER BY s.s DESC, s.partner_id) = 1
) pa USING (member_id, mo);
CREATE TEMP TABLE ed_excl AS SELECT member_id FROM hosp WHERE nd;
CREATE TEMP TABLE amb AS
SELECT mm.partner_id, count(*) AS den, count(x.member_id) AS excl,
       sum(CASE WHEN x.member_id IS NULL THEN coalesce(v.n, 0) ELSE 0 END) AS num
FROM mm LEFT JOIN ed_excl x USING (member_id)
LEFT JOIN (SELECT member_id, month(d) AS mo, count(*) AS n FROM ed
           WHERE NOT admitted AND NOT denied AND NOT mh AND d BETWEEN ${myStart} AND ${myEnd}
           GROUP BY member_id, month(d)) v USING (member_id, mo)
WHERE mm.partner_id IS NOT NULL GROUP BY mm.partner_id`],
];

const subs = ['dtap', 'ipv', 'mmr', 'hib', 'hepb', 'vzv', 'pcv', 'combo3'];
const report = `
SELECT 'CIS' AS measure_id, sub AS submeasure, partner_id, count(*) AS den,
       count(*) FILTER (WHERE excluded) AS excl, count(*) FILTER (WHERE NOT excluded AND met) AS num
FROM (UNPIVOT cis ON ${subs.join(', ')} INTO NAME sub VALUE met) GROUP BY ALL
UNION ALL
SELECT 'COL', 'screened', partner_id, count(*), count(*) FILTER (WHERE excluded),
       count(*) FILTER (WHERE NOT excluded AND screened) FROM col GROUP BY ALL
UNION ALL
SELECT 'AMB-ED', 'visits', partner_id, den, excl, num FROM amb
ORDER BY 1, 2, 3`;

// DUCKDB_MEMORY_LIMIT (e.g. 8GB) and DUCKDB_TEMP (the spill directory)
// keep the peer from taking 80% of a shared machine's memory
const opts = { threads: process.env.DUCKDB_THREADS ?? '2', preserve_insertion_order: 'false' };
if (process.env.DUCKDB_MEMORY_LIMIT) opts.memory_limit = process.env.DUCKDB_MEMORY_LIMIT;
if (process.env.DUCKDB_TEMP) opts.temp_directory = process.env.DUCKDB_TEMP;
const db = await DuckDBInstance.create(':memory:', opts);
const con = await db.connect();
const timings = [];
for (const [name, sql] of steps) {
	const t0 = performance.now();
	for (const stmt of sql.split(/;\n/).map((s) => s.trim()).filter(Boolean))
		await con.run(stmt);
	timings.push(`${name}\t${((performance.now() - t0) / 1000).toFixed(2)}`);
}
const rows = (await con.runAndReadAll(report)).getRows();
process.stdout.write('measure_id\tsubmeasure\tpartner_id\tdenominator\texclusions\tnumerator\n');
for (const r of rows)
	process.stdout.write(r.map((v) => (v === null ? '' : String(v))).join('\t') + '\n');
if (timingsFile)
	writeFileSync(timingsFile, timings.join('\n') + '\n');
