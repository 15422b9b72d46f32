// "did you mean" hints for unknown fields, kinds and names.

/** Edit distance counting a swap of two neighbours as one edit (`evn` -> `env`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** `vars` in `variables`, `timeout` in `timeoutSeconds`: an abbreviation with the same first letter. */
function abbreviates(word: string, candidate: string): boolean {
  if (word.length < 3 || word[0] !== candidate[0]) return false;
  let i = 0;
  for (const ch of candidate) if (ch === word[i]) i++;
  return i === word.length;
}

/** The closest candidate, if it is close enough to be a plausible typo or abbreviation. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    if (cl === lower) return c;
    const d = distance(lower, cl);
    // Typos rank by edit distance; abbreviations rank after every typo.
    const score = d <= limit ? d : abbreviates(lower, cl) ? limit + d / 1000 : Infinity;
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}
