// Turns what a person types into a safe FTS5 query (every word must match, the last as a prefix),
// and cuts a readable snippet around the first match. A prefix query merges the lists of every word
// it could complete, which on a million events is slow for a common stem, so a search first tries the
// last word whole and widens to the prefix only when that finds too little.
import { searchWords } from '../../shared/search-words';

/** The FTS5 query for what was typed; `prefix: false` matches the last word whole (far cheaper on a big log). */
export function ftsQuery(query: string, options: { prefix: boolean } = { prefix: true }): string | undefined {
  const words = searchWords(query);
  if (words.length === 0) return undefined;
  const last = options.prefix ? '*' : '';
  return words.map((word, index) => `"${word}"${index === words.length - 1 ? last : ''}`).join(' ');
}

export function snippetAround(text: string, query: string, radius = 80): string {
  const lower = text.toLowerCase();
  const positions = searchWords(query)
    .map((word) => lower.indexOf(word.toLowerCase()))
    .filter((index) => index >= 0);
  const at = positions.length === 0 ? 0 : Math.min(...positions);
  const start = Math.max(0, at - radius);
  const end = Math.min(text.length, at + radius);
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
