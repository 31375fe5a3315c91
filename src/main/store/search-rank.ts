// Ranks a search's window of newest matches: by how often the searched words occur in each event for
// its length (BM25's term-frequency part, SQLite's k1 and b, every word weighted alike). SQLite's
// bm25() would also weigh each word by how many events in the whole log hold it, and counting that
// reads every match of the word: tens of milliseconds per search on a million events.
//
// It reads the payload as stored (a large text kept in a blob counts by its preview), its JSON keys
// and escapes left out, so that it needs nothing but the row. The store's worker thread runs this same
// function, from its source (store-thread.ts): it refers to nothing outside itself, and names no inner
// function (tsx and esbuild's keepNames would wrap one in a helper the worker does not have).

/**
 * The best `limit` of the rows (given newest first; equal scores stay so). `words`: the searched
 * words, folded (lower case, no diacritics); the last matches as a prefix, as typed.
 */
export function rankedWindow<Row extends { payload: string }>(
  rows: readonly Row[],
  words: readonly string[],
  limit: number,
): Row[] {
  const k1 = 1.2;
  const b = 0.75;
  const patterns = words.map(
    (word, index) =>
      new RegExp(`(?<![\\p{L}\\p{N}])${word}${index === words.length - 1 ? '' : '(?![\\p{L}\\p{N}])'}`, 'gu'),
  );
  const scored = rows.map((row) => {
    const lower = row.payload
      .toLowerCase()
      .replace(/"[^"\\]*":/g, ' ')
      .replace(/\\[a-z]/g, ' ');
    // eslint-disable-next-line no-control-regex
    const text = /[^\u0000-\u007f]/.test(lower) ? lower.normalize('NFD').replace(/\p{M}/gu, '') : lower;
    return { row, length: text.length, counts: patterns.map((pattern) => text.match(pattern)?.length ?? 0) };
  });
  const average = Math.max(1, scored.reduce((sum, item) => sum + item.length, 0) / Math.max(1, scored.length));
  const ranked = scored.map((item) => ({
    row: item.row,
    score: item.counts.reduce(
      (sum, count) => sum + (count * (k1 + 1)) / (count + k1 * (1 - b + (b * item.length) / average)),
      0,
    ),
  }));
  return ranked
    .sort((first, second) => second.score - first.score)
    .slice(0, limit)
    .map((item) => item.row);
}

/** A word as the index's tokenizer folds it: lower case, without diacritics. */
export function foldedWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}
