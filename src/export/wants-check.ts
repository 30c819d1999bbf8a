import type { PlannedCheck } from '../plan/types.js';
import { shjoin, shq } from '../shell/quote.js';
import { TOKEN_RE } from '../version/extract.js';
import { VERSION_RE, type Version } from '../version/version.js';
import type { Test } from '../version/wants.js';

// Perl (perl-base is Essential on Debian and Ubuntu) that judges a check's output on stdin as rig does: the version is
// found as src/version/extract.ts finds it, parsed and ordered as src/version/version.ts does, and tested as
// src/version/wants.ts tests it. Arguments: pattern, its flags, how the version is taken (v: the `version` group,
// 1: group 1, 0: the whole match), the version pattern, the wanted text, then one argument per set of tests.
const PROGRAM = String.raw`use strict; use warnings;
my ($pat, $flags, $take, $vre, $text, @sets) = @ARGV;
my $out = do { local $/; <STDIN> } // '';
my $inf = 9**9**9;
my $found;
if ($out =~ ($flags eq '' ? qr/$pat/ : qr/(?$flags)$pat/)) { $found = $take eq 'v' ? $+{version} : $take eq '1' ? $1 : $&; }
if (defined $found) { $found =~ s/^\s+|\s+$//g; $found =~ s/^[("'\x60\[]+//; $found =~ s/[.,;:!?)\]}"'\x60]+$//; undef $found if $found eq ''; }
sub parse { my ($t) = @_; $t =~ s/^\s+|\s+$//g; return undef unless $t =~ /(?i)$vre/;
  my %pre = (a => 0, alpha => 0, b => 1, beta => 1, c => 2, rc => 2, pre => 2, preview => 2);
  my $l = defined $+{local} ? lc $+{local} : undef; $l =~ tr/-_/../ if defined $l;
  return { r => [split /\./, $+{release}], pre => defined $+{preL} ? [$pre{lc $+{preL}}, $+{preN} // 0] : undef,
    post => defined $+{post} ? ($+{postN} // 0) : undef, dev => defined $+{dev} ? ($+{devN} // 0) : undef, local => $l, text => $t }; }
sub want { my @f = split /;/, $_[0], -1; my @p = split /,/, $f[1];
  return { r => [split /\./, $f[0]], pre => @p ? [@p] : undef, post => $f[2] eq '' ? undef : $f[2], dev => $f[3] eq '' ? undef : $f[3], local => $f[4] eq '' ? undef : $f[4] }; }
sub sgn { $_[0] <=> $_[1] }
sub rel { my ($a, $b) = @_; my $n = @$a > @$b ? @$a : @$b;
  for my $i (0 .. $n - 1) { my $c = sgn($a->[$i] // 0, $b->[$i] // 0); return $c if $c; } 0 }
sub prek { my ($v) = @_; return @{$v->{pre}} if $v->{pre}; return (-$inf, 0) if !defined $v->{post} && defined $v->{dev}; ($inf, 0) }
sub loc { my ($a, $b) = @_; return 0 if !defined $a && !defined $b; return -1 if !defined $a; return 1 if !defined $b;
  my @x = split /\./, $a; my @y = split /\./, $b;
  for my $i (0 .. (@x < @y ? $#x : $#y)) { my ($p, $q) = ($x[$i], $y[$i]); my ($pn, $qn) = ($p =~ /^\d+$/, $q =~ /^\d+$/);
    my $c = $pn && $qn ? sgn($p, $q) : $pn ? 1 : $qn ? -1 : ($p cmp $q); return $c if $c; } sgn(scalar @x, scalar @y) }
sub cmpv { my ($a, $b) = @_; my @pa = prek($a); my @pb = prek($b);
  rel($a->{r}, $b->{r}) || sgn($pa[0], $pb[0]) || sgn($pa[1], $pb[1]) || sgn($a->{post} // -$inf, $b->{post} // -$inf)
    || sgn($a->{dev} // $inf, $b->{dev} // $inf) || loc($a->{local}, $b->{local}) }
sub bare { my %v = %{$_[0]}; $v{local} = undef; \%v }
sub ispre { defined $_[0]{pre} || defined $_[0]{dev} }
sub passes { my ($f, $t) = @_; my @t = split / /, $t, 2; my ($k, $rest) = @t;
  if ($k eq 't') { return lc $f->{text} eq lc $rest; }
  my @a = split / /, $rest;
  if ($k eq 'e') { my $c = $a[0] ? cmpv($f, want($a[2])) : cmpv(bare($f), want($a[2])); return ($c == 0) != $a[1]; }
  if ($k eq 'r') { my $b = bare($f); return (cmpv($b, want($a[1])) >= 0 && cmpv($b, want($a[2])) < 0) != $a[0]; }
  my ($op, $pep, $w) = ($a[0], $a[1], want($a[2])); my $c = cmpv(bare($f), $w);
  return $c <= 0 if $op eq '<='; return $c >= 0 if $op eq '>=';
  return $c < 0 && !($pep && ispre($f) && !ispre($w) && rel($f->{r}, $w->{r}) == 0) if $op eq '<';
  return $c > 0 && !($pep && defined $f->{post} && !defined $w->{post} && rel($f->{r}, $w->{r}) == 0); }
my $v = defined $found ? parse($found) : undef;
my $last = (grep { /\S/ } split /\n/, $out)[-1] // '';
if (!defined $found || !defined $v) { print STDERR "installed, but its version cannot be read from \"$last\", wants $text\n"; exit 1; }
for my $set (@sets) { my $ok = 1; for my $t (split /\n/, $set) { $ok = 0, last unless passes($v, $t); } exit 0 if $ok; }
print STDERR "found $found, wants $text\n"; exit 1;
`;

// A shell function that runs the program: `rig_wants ARGS… < output`.
export const WANTS_FUNCTION = `rig_wants() { perl -e ${shq(PROGRAM)} -- "$@"; }`;

function encode(v: Version): string {
  const pre = v.pre ? `${{ a: 0, b: 1, rc: 2 }[v.pre.label]},${v.pre.n}` : '';
  return [v.release.join('.'), pre, v.post ?? '', v.dev ?? '', v.local ?? ''].join(';');
}

function encodeTest(t: Test): string {
  switch (t.kind) {
    case 'text':
      return `t ${t.text}`;
    case 'eq':
      return `e ${Number(t.local)} ${Number(t.not)} ${encode(t.want)}`;
    case 'range':
      return `r ${Number(t.not)} ${encode(t.from)} ${encode(t.below)}`;
    case 'cmp':
      return `c ${t.op} ${Number(t.pep)} ${encode(t.want)}`;
  }
}

// How the version is taken from a pattern's match, as extractVersion takes it.
function takeOf(pattern: RegExp): string {
  if (/\(\?<version>/.test(pattern.source)) return 'v';
  return new RegExp(`${pattern.source}|`).exec('')!.length > 1 ? '1' : '0';
}

// The shell that judges the output of a check (in "$rig_out") against what it wants; undefined when it wants nothing.
export function wantsCommand(check: PlannedCheck): string | undefined {
  if (!check.wants) return undefined;
  const pattern = check.pattern ?? TOKEN_RE;
  const flags = pattern.flags.replace(/[^ims]/g, '');
  const args = [pattern.source, flags, takeOf(pattern), VERSION_RE.source, check.wants.text, ...check.wants.sets.map((set) => set.map(encodeTest).join('\n'))];
  return `printf '%s' "$rig_out" | rig_wants ${shjoin(args)}`;
}
