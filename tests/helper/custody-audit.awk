# custody-audit.awk members.csv enrollment.csv custody.csv medical_claims.csv
# (cco-gen's files): prints "RATE_OK BAD MH" where RATE_OK is 1 when the
# custody roster holds 0.5% to 1.5% of the members born after BORN (-v
# born=YYYY-MM-DD: under 18 on a day of the window), BAD counts rows
# breaking a rule (entry before birth or at 18, an end not after the
# start, not enrolled on the day of entry, an assessment claim (id ending
# 9NNN) of a member without custody), and MH is 1 when some assessment is
# a psychiatric diagnostic evaluation (90791).
BEGIN { FS = "," }
FILENAME ~ /members/ && FNR > 1 { birth[$1] = $2; if ($2 > born) kids++ }
FILENAME ~ /enrollment/ && FNR > 1 { span[$1] = span[$1] " " $3 "/" ($4 == "" ? "9999" : $4) }
FILENAME ~ /custody/ && FNR > 1 {
	n++
	b = birth[$1]
	adult = (substr(b, 1, 4) + 18) substr(b, 5)
	if (b == "" || $2 < b || $2 >= adult)
		bad++
	if ($3 != "" && $3 <= $2)
		bad++
	on = 0
	k = split(span[$1], s, " ")
	for (i = 1; i <= k; i++) {
		split(s[i], d, "/")
		if (d[1] <= $2 && $2 <= d[2])
			on = 1
	}
	if (!on)
		bad++
	custody[$1] = 1
}
FILENAME ~ /medical/ && FNR > 1 && $1 ~ /9[0-9][0-9][0-9]$/ {
	if (!custody[$3])
		bad++
	if ($17 == "90791")
		mh = 1
}
END { printf "%d %d %d\n", (n >= kids * 0.005 && n <= kids * 0.015), bad, mh }
