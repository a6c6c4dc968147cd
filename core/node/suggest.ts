/**
 * "Did you mean …?" for names a tube gets wrong (node types, params, input types): the
 * known names within two edits of what was written.
 */

/**
 * Up to `limit` of `known` within two edits of `name`, ending in `.name`, or (three
 * letters or more) a start of it (`int` for `integr`), closest first.
 */
export function closeNames(name: string, known: Iterable<string>, limit = 3): string[] {
  const distance = (candidate: string) => {
    if (candidate.endsWith(`.${name}`)) return 0;
    if (candidate.length >= 3 && name.startsWith(candidate)) return 1;
    return editDistance(candidate, name);
  };
  return [...known]
    .map((candidate) => ({ candidate, distance: distance(candidate) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** ` Did you mean "a" or "b"?`, or nothing when no known name is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const close = closeNames(name, known);
  return close.length ? ` Did you mean ${close.map((n) => `"${n}"`).join(' or ')}?` : '';
}

/** Levenshtein distance, capped: anything over 2 is reported as 3. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return Math.min(row[b.length]!, 3);
}
