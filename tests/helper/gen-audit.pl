#!/usr/bin/perl
# gen-audit.pl: independent checks of cco-gen output for tests/cli/gen.t.
#
#   gen-audit.pl classify DIR   print "file,line,damage" for every line of
#                               members.csv and the claim files that is
#                               damaged, judged from the text alone
#   gen-audit.pl check DIR      check a clean extract: members exist, NPIs,
#                               dates, claim versions; print churn counts
#   gen-audit.pl luhn NPI...    print "NPI 1|0" (known-answer check)
#   gen-audit.pl codes DIR VS   every code in DIR's claims, registry and
#                               providers is in a value set of VS (bar the
#                               billing-structure revenue codes)
use strict;
use warnings;

my ($mode, $dir, $vsdir) = @ARGV;
die "usage: gen-audit.pl classify|check|codes DIR [VS]\n" unless $mode && $dir;

# Split one CSV line; undef if a quote appears inside an unquoted field.
sub split_csv {
	my ($line) = @_;
	my @f;
	my $i = 0;
	my $n = length $line;
	while (1) {
		my $v = '';
		if ($i < $n && substr($line, $i, 1) eq '"') {
			$i++;
			while (1) {
				return undef if $i >= $n;
				my $c = substr($line, $i++, 1);
				if ($c eq '"') {
					if ($i < $n && substr($line, $i, 1) eq '"') {
						$v .= '"';
						$i++;
					} else {
						last;
					}
				} else {
					$v .= $c;
				}
			}
			return undef if $i < $n && substr($line, $i, 1) ne ',';
		} else {
			while ($i < $n && substr($line, $i, 1) ne ',') {
				my $c = substr($line, $i++, 1);
				return undef if $c eq '"';
				$v .= $c;
			}
		}
		push @f, $v;
		last if $i >= $n;
		$i++;    # the comma
		if ($i == $n) { push @f, ''; last; }
	}
	return \@f;
}

sub luhn_ok {
	my ($npi) = @_;
	return 0 unless $npi =~ /^\d{10}$/;
	my @d = reverse split //, "80840$npi";
	my $sum = 0;
	for my $i (0 .. $#d) {
		my $x = $d[$i];
		if ($i % 2) { $x *= 2; $x -= 9 if $x > 9; }
		$sum += $x;
	}
	return $sum % 10 == 0;
}

# '' valid (or empty), 'invalid_date' (not the form), 'impossible_date'.
sub date_check {
	my ($s) = @_;
	return '' if $s eq '';
	return 'invalid_date' unless $s =~ /^(\d{4})-(\d\d)-(\d\d)$/;
	my ($y, $m, $d) = ($1, $2, $3);
	return 'invalid_date' if $m < 1 || $m > 12 || $d < 1 || $d > 31;
	my @len = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);
	my $leap = ($y % 4 == 0 && $y % 100 != 0) || $y % 400 == 0;
	my $max = $m == 2 && $leap ? 29 : $len[$m - 1];
	return $d > $max ? 'impossible_date' : '';
}

sub read_lines {
	my ($path) = @_;
	open my $fh, '<:raw', $path or die "gen-audit: cannot open $path: $!\n";
	my @lines = <$fh>;
	close $fh;
	chomp @lines;
	return \@lines;
}

my %member;
for my $l ($mode eq 'luhn' ? () : @{ read_lines("$dir/members.csv") }) {
	my ($id) = split /,/, $l;
	$member{$id} = 1;
}

# Per file kind: member column, date columns, NPI columns, code checks.
my %spec = (
	members => { member => -1, dates => [1, 7], npis => [] },
	medical => { member => 2, dates => [7, 8, 9, 10, 11], npis => [36, 37] },
	pharmacy => { member => 1, dates => [5, 6], npis => [10] },
);

sub code_bad {
	my ($kind, $f) = @_;
	if ($kind eq 'medical') {
		return 1 if $f->[16] ne '' && length($f->[16]) != 5;
		return 1 if $f->[21] !~ /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;
	} elsif ($kind eq 'pharmacy') {
		return 1 if $f->[7] !~ /^\d{11}$/;
	}
	return 0;
}

sub classify_line {
	my ($kind, $line, $prev, $ncols) = @_;
	my $copy = $line;
	return 'invalid_utf8' unless utf8::decode($copy);
	return 'stray_cr' if $line =~ /\r/;
	my $f = split_csv($line);
	return 'stray_quote' unless $f;
	return 'column_count' if @$f != $ncols;
	return 'duplicate_line' if defined $prev && $line eq $prev;
	my $s = $spec{$kind};
	return 'unknown_member' if $s->{member} >= 0 && !$member{ $f->[ $s->{member} ] };
	for my $c (@{ $s->{dates} }) {
		my $r = date_check($f->[$c]);
		return $r if $r;
	}
	for my $c (@{ $s->{npis} }) {
		return 'npi_check_digit' unless luhn_ok($f->[$c]);
	}
	return 'malformed_code' if code_bad($kind, $f);
	return '';
}

sub classify {
	opendir my $dh, $dir or die "gen-audit: $dir: $!\n";
	my @files = sort grep { /^(members|medical_claims|pharmacy_claims).*\.csv$/ } readdir $dh;
	closedir $dh;
	for my $name (@files) {
		my $kind = $name =~ /^members/ ? 'members' : $name =~ /^medical/ ? 'medical' : 'pharmacy';
		my $lines = read_lines("$dir/$name");
		my $ncols = @{ split_csv($lines->[0]) };
		for my $i (1 .. $#$lines) {
			my $r = classify_line($kind, $lines->[$i], $lines->[ $i - 1 ], $ncols);
			print "$name,", $i + 1, ",$r\n" if $r;
		}
	}
}

my $errors = 0;
sub fail { print STDERR "gen-audit: @_\n"; $errors++; }

sub rows {
	my ($name) = @_;
	my $lines = read_lines("$dir/$name");
	shift @$lines;
	return [ map { split_csv($_) } @$lines ];
}

sub check {
	my (%claim, %counts);
	for my $r (@{ rows('providers.csv') }) {
		fail("providers.csv: bad NPI $r->[0]") unless luhn_ok($r->[0]);
	}
	for my $name ('enrollment.csv', 'pcp_assignments.csv', 'immunizations.csv',
		      'lab_results.csv') {
		for my $r (@{ rows($name) }) {
			fail("$name: unknown member $r->[0]") unless $member{ $r->[0] };
			for my $v (@$r) {
				fail("$name: bad date $v") if $v =~ /^\d{4}-\d\d-/ && date_check($v);
			}
		}
	}
	for my $r (@{ rows('members.csv') }) {
		fail("members.csv: bad date") if date_check($r->[1]) || date_check($r->[7]);
	}
	my @med = @{ rows('medical_claims.csv') };
	my %key;
	for my $r (@med) {
		$claim{ $r->[0] } = $r->[2];
		fail("claim $r->[0] line $r->[1] twice") if $key{"$r->[0],$r->[1]"}++;
	}
	for my $r (@med) {
		my $c = classify_line('medical', join(',', @$r), undef, 40);
		fail("medical_claims.csv: $c in claim $r->[0]") if $c;
		$counts{"freq$r->[4]"}++;
		next if $r->[4] eq '1';
		my $orig = $claim{ $r->[5] };
		fail("claim $r->[0] refers to missing $r->[5]") unless defined $orig && $orig eq $r->[2];
	}
	my %rx;
	my @rxr = @{ rows('pharmacy_claims.csv') };
	$rx{ $_->[0] } = $_->[1] for @rxr;
	for my $r (@rxr) {
		my $c = classify_line('pharmacy', join(',', @$r), undef, 11);
		fail("pharmacy_claims.csv: $c in claim $r->[0]") if $c;
		next if $r->[2] eq '1';
		fail("fill $r->[0] refers to missing $r->[3]") unless ($rx{ $r->[3] } // '') eq $r->[1];
	}
	my %last;
	for my $r (@{ rows('enrollment.csv') }) {
		my ($m, $p, $s, $e) = @$r;
		fail("span ends before it starts") if $e lt $s;
		if (my $prev = $last{$m}) {
			my ($pp, $ps, $pe) = @$prev;
			my $gap = days($s) - days($pe) - 1;
			if ($gap > 0) { $counts{gap}++ }
			elsif ($gap == 0 && $p eq $pp) { $counts{abut_same}++ }
			elsif ($gap < 0 && $p eq $pp) { $counts{overlap_same}++ }
			$counts{switch}++ if $p ne $pp;
		}
		$last{$m} = [ $p, $s, $e ];
	}
	print join(' ', map { "$_=$counts{$_}" } sort keys %counts), "\n";
}

sub days {
	my ($s) = @_;
	my ($y, $m, $d) = split /-/, $s;
	$y-- if $m <= 2;
	my $era = int($y / 400);
	my $yoe = $y - $era * 400;
	my $doy = int((153 * ($m + ($m > 2 ? -3 : 9)) + 2) / 5) + $d - 1;
	my $doe = $yoe * 365 + int($yoe / 4) - int($yoe / 100) + $doy;
	return $era * 146097 + $doe;
}

# Value sets by code system: exact codes, ranges, prefixes.
my %vs;
sub load_valuesets {
	opendir my $dh, $vsdir or die "gen-audit: $vsdir: $!\n";
	for my $name (sort grep { /\.csv$/ } readdir $dh) {
		my $lines = read_lines("$vsdir/$name");
		shift @$lines;
		for my $l (@$lines) {
			my $f = split_csv($l) or die "gen-audit: $name: bad line\n";
			my ($sys, $code) = @$f[1, 2];
			if ($code =~ /^(.+)\*$/) {
				push @{ $vs{$sys}{prefix} }, $1;
			} elsif ($code =~ /^(.+)-(.+)$/ && length($1) == length($2)) {
				push @{ $vs{$sys}{range} }, [ $1, $2 ];
			} else {
				$vs{$sys}{exact}{$code} = 1;
			}
		}
	}
}

sub in_vs {
	my ($code, @systems) = @_;
	for my $sys (@systems) {
		my $v = $vs{$sys} or next;
		return 1 if $v->{exact}{$code};
		for my $p (@{ $v->{prefix} || [] }) {
			return 1 if index($code, $p) == 0;
		}
		for my $r (@{ $v->{range} || [] }) {
			return 1 if length($code) == length($r->[0]) && $code ge $r->[0] && $code le $r->[1];
		}
	}
	return 0;
}

sub codes {
	load_valuesets();
	my %structural = map { $_ => 1 } qw(0250 0300 0320 0750);
	my $bad = sub { fail("$_[0]: code '$_[1]' is in no value set") };
	for my $r (@{ rows('medical_claims.csv') }) {
		$bad->('procedure', $r->[16]) if $r->[16] ne '' && !in_vs($r->[16], qw(CPT HCPCS CDT));
		$bad->('revenue', $r->[15]) if $r->[15] ne '' && !$structural{ $r->[15] } && !in_vs($r->[15], 'REV');
		$bad->('modifier', $r->[17]) if $r->[17] ne '' && !in_vs($r->[17], 'MODIFIER');
		for my $d (@$r[21 .. 32]) {
			(my $nodot = $d) =~ s/\.//;
			$bad->('diagnosis', $d) if $d ne '' && !in_vs($nodot, 'ICD10CM');
		}
		for my $p (@$r[33 .. 35]) {
			$bad->('icd procedure', $p) if $p ne '' && !in_vs($p, 'ICD10PCS');
		}
	}
	for my $r (@{ rows('pharmacy_claims.csv') }) {
		$bad->('ndc', $r->[7]) unless in_vs($r->[7], 'NDC');
	}
	for my $r (@{ rows('immunizations.csv') }) {
		$bad->('cvx', $r->[2]) unless in_vs($r->[2], 'CVX');
	}
	for my $r (@{ rows('lab_results.csv') }) {
		$bad->('loinc', $r->[2]) unless in_vs($r->[2], 'LOINC');
	}
	for my $r (@{ rows('providers.csv') }) {
		$bad->('taxonomy', $r->[2]) unless in_vs($r->[2], 'TAXONOMY');
	}
}

if ($mode eq 'luhn') {
	print "$_ ", (luhn_ok($_) ? 1 : 0), "\n" for @ARGV[1 .. $#ARGV];
	exit 0;
}
if ($mode eq 'codes') {
	codes();
} elsif ($mode eq 'classify') {
	classify();
} elsif ($mode eq 'check') {
	check();
} else {
	die "gen-audit: unknown mode '$mode'\n";
}
exit($errors ? 1 : 0);
