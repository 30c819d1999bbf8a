function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

// The known names closest to `word` (typos, prefixes), best first.
export function closest(word: string, known: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return [...known]
    .map((k) => ({ k, d: k.startsWith(word) || word.startsWith(k) ? 1 : distance(word, k) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, max)
    .map(({ k }) => k);
}

// " (did you mean "x"?)" or "" when nothing is close.
export function didYouMean(word: string, known: Iterable<string>): string {
  const [best] = closest(word, known, 1);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}
