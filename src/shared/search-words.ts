// The words of a search query: what the store's full-text search matches and what the UI highlights.
const wordPattern = /[\p{L}\p{N}_]+/gu;

export function searchWords(query: string): string[] {
  return (query.match(wordPattern) ?? []).slice(0, 16);
}
