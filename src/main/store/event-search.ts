// Full-text search over the log: the words as typed, the last one whole first and widened to a prefix
// only when that finds too little (search-query.ts), the best of the newest matches first, each hit
// with a snippet around the words. The index gives the newest matches; they are ranked here, by how
// often the words occur in each for its length (BM25 with every word weighted alike). SQLite's bm25()
// would weight each word by how many events in the whole log hold it, and counting that costs a read
// of every match, tens of milliseconds per search on a million events.
import type { SearchHit } from '../../shared/contract';
import type { EventDraft, RunEvent } from '../../shared/events';
import { searchText } from '../../shared/search-text';
import { searchWords } from '../../shared/search-words';
import { rowToEvent, type EventRow } from './event-rows';
import { ftsQuery, snippetAround } from './search-query';

/**
 * A search ranks the newest this many matches (or `limit`, when more) and returns the best of them:
 * ranking costs a lookup per match, so ranking them all would grow with the log.
 */
export const SEARCH_WINDOW = 250;

export type SearchRow = EventRow & { goal: string };

/** The search query's arguments: the FTS query, and how many of the newest matches to rank. */
export type SearchArgs = [fts: string, window: number];

export interface SearchPlan {
  /** The last word whole. */
  whole: SearchArgs;
  /** The last word as a prefix, when the whole word finds fewer than `limit`. */
  prefix: SearchArgs;
  limit: number;
}

/** Undefined when the query holds no word to search for. */
export function searchPlan(query: string, limit: number): SearchPlan | undefined {
  const whole = ftsQuery(query, { prefix: false });
  if (whole === undefined) return undefined;
  const window = Math.max(SEARCH_WINDOW, limit);
  return { whole: [whole, window], prefix: [ftsQuery(query)!, window], limit };
}

/**
 * The best `limit` hits of the rows found (newest first); `resolve` gives an event its text (blobs
 * inlined) for the snippet.
 */
export function searchHits(
  rows: readonly SearchRow[],
  query: string,
  limit: number,
  resolve: (event: RunEvent) => EventDraft,
): SearchHit[] {
  return ranked(rows, query, limit).map(({ row, event }) => ({
    runId: row.run_id,
    seq: row.seq,
    type: row.type,
    goal: row.goal,
    snippet: snippetAround(searchText(resolve(event)), query),
  }));
}

/** BM25's constants, as SQLite's bm25() has them. */
const K1 = 1.2;
const B = 0.75;

interface Scored {
  row: SearchRow;
  event: RunEvent;
  counts: number[];
  /** In characters: BM25 compares a text's length only with the average. */
  length: number;
}

function ranked(rows: readonly SearchRow[], query: string, limit: number): Scored[] {
  const words = searchWords(query).map(folded);
  // Whole words, the last as a prefix (as typed). Words hold only letters, digits and _.
  const patterns = words.map(
    (word, index) =>
      new RegExp(`(?<![\\p{L}\\p{N}])${word}${index === words.length - 1 ? '' : '(?![\\p{L}\\p{N}])'}`, 'gu'),
  );
  // The text as stored: a large text kept in a blob counts by its preview.
  const scored = rows.map((row): Scored => {
    const event = rowToEvent(row);
    const text = folded(searchText(event));
    return { row, event, counts: patterns.map((pattern) => text.match(pattern)?.length ?? 0), length: text.length };
  });
  const average = Math.max(1, scored.reduce((sum, item) => sum + item.length, 0) / Math.max(1, scored.length));
  const score = ({ counts, length }: Scored) =>
    counts.reduce((sum, count) => sum + (count * (K1 + 1)) / (count + K1 * (1 - B + (B * length) / average)), 0);
  const scores = new Map(scored.map((item) => [item, score(item)]));
  // A stable sort: equal scores stay newest first.
  return scored.sort((a, b) => scores.get(b)! - scores.get(a)!).slice(0, limit);
}

/** Lower case without diacritics, as the index's tokenizer folds words. */
function folded(text: string): string {
  const lower = text.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(lower) ? lower.normalize('NFD').replace(/\p{M}/gu, '') : lower;
}
