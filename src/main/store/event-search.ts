// Full-text search over the log: the words as typed, the last one whole first and widened to a prefix
// only when that finds too little (search-query.ts), the best of the newest matches first (ranked by
// search-rank.ts), each hit with a snippet around the words.
import type { SearchHit } from '../../shared/contract';
import type { EventDraft, RunEvent } from '../../shared/events';
import { searchText } from '../../shared/search-text';
import { searchWords } from '../../shared/search-words';
import { rowToEvent, type EventRow } from './event-rows';
import { ftsQuery, snippetAround } from './search-query';
import { foldedWord } from './search-rank';

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
  /** The words, folded, for ranking. */
  words: string[];
}

/** Undefined when the query holds no word to search for. */
export function searchPlan(query: string, limit: number): SearchPlan | undefined {
  const whole = ftsQuery(query, { prefix: false });
  if (whole === undefined) return undefined;
  const window = Math.max(SEARCH_WINDOW, limit);
  const words = searchWords(query).map(foldedWord);
  return { whole: [whole, window], prefix: [ftsQuery(query)!, window], limit, words };
}

/** The hits of the rows found, in their order; `resolve` gives an event its text (blobs inlined) for the snippet. */
export function searchHits(rows: readonly SearchRow[], query: string, resolve: (event: RunEvent) => EventDraft) {
  return rows.map((row): SearchHit => ({
    runId: row.run_id,
    seq: row.seq,
    type: row.type,
    goal: row.goal,
    snippet: snippetAround(searchText(resolve(rowToEvent(row))), query),
  }));
}
