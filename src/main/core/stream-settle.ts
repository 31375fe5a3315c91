// How much of a stream's text can be shown before the rest arrives, so that a secret cut across two
// chunks is never shown in part. Text is held back from where a secret or a token could still be
// starting: the longest end of the text that begins a known form, the last word when it begins like a
// well-known token, and a private key block that has not ended.
import { KEY_BLOCK_END, KEY_BLOCK_START, tokenStarts } from './token-shapes';

/** A token word is at most this long; past it the word is no token and need not be held. */
const MAX_TOKEN_WORD = 1024;

/** For the known forms of secrets, the length of text that is settled (computed once per run). */
export function streamSettler(forms: readonly string[]): (text: string) => number {
  const starts = new Set<string>();
  for (const form of [...forms, KEY_BLOCK_START])
    for (let length = 1; length <= form.length; length++) starts.add(form.slice(0, length));
  const longest = Math.max(0, ...[...forms, KEY_BLOCK_START].map((form) => form.length));
  return (text) => {
    let end = text.length - openForm(text, starts, longest);
    end = Math.min(end, openToken(text));
    const block = text.lastIndexOf(KEY_BLOCK_START);
    if (block !== -1 && text.indexOf(KEY_BLOCK_END, block) === -1) end = Math.min(end, block);
    return end;
  };
}

/** The length of the longest end of `text` that is the start of a form. */
function openForm(text: string, starts: ReadonlySet<string>, longest: number): number {
  for (let length = Math.min(longest, text.length); length > 0; length--)
    if (starts.has(text.slice(text.length - length))) return length;
  return 0;
}

const wordChar = /[A-Za-z0-9_-]/;

/**
 * Where the last word (the characters a token is made of) starts being a token, or may still become
 * one: at a word boundary, with a token's start or the start of one. The text's length when it does not.
 */
function openToken(text: string): number {
  let start = text.length;
  while (start > 0 && text.length - start < MAX_TOKEN_WORD && wordChar.test(text[start - 1]!)) start--;
  for (let at = start; at < text.length; at++) {
    // A boundary: the word's start, or just after a hyphen inside it.
    if (at !== start && text[at - 1] !== '-') continue;
    const rest = text.slice(at);
    if (tokenStarts.some((token) => rest.startsWith(token) || token.startsWith(rest))) return at;
  }
  return text.length;
}
