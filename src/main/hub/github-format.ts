// GitHub's answers as compact text for the model: a search hit is its repo, path and link with the
// matching lines; a file is its text cut to a size with a note; a folder is its entries with sizes.
import { formatBytes, oneLine } from '../../shared/format';
import type { FileRequest } from './github-client';
import type { CodeSearch, FolderEntry } from './github-schemas';

/** The most of a file one answer shows: the tool output's own limit is 16,000 characters. */
export const FILE_MAX_CHARS = 12_000;
const FOLDER_SHOWN = 200;

export function searchText(query: string, answer: CodeSearch): string {
  if (answer.items.length === 0) return `No code on GitHub matches "${query}".`;
  const of = answer.total_count > answer.items.length ? ` of ${answer.total_count.toLocaleString('en-US')}` : '';
  const partial =
    answer.incomplete_results === true ? ' (GitHub’s search timed out: the results may be incomplete)' : '';
  const lines = [`${answer.items.length}${of} code hits for "${query}"${partial}:`];
  for (const [index, hit] of answer.items.entries()) {
    lines.push(`${index + 1}. ${hit.repository.full_name}: ${hit.path}  ${hit.html_url}`);
    for (const match of (hit.text_matches ?? [])
      .filter((m) => m.property === undefined || m.property === 'content')
      .slice(0, 2))
      lines.push(`   ${oneLine(match.fragment, 240)}`);
  }
  lines.push('github_read reads a file: its repo and path.');
  return lines.join('\n');
}

function where(request: FileRequest): string {
  return `${request.repo}: ${request.path === '' ? '/' : request.path}${request.ref === undefined ? '' : ` at ${request.ref}`}`;
}

export function folderText(request: FileRequest, entries: readonly FolderEntry[]): string {
  const lines = [`folder ${where(request)} (${entries.length} entries):`];
  for (const entry of entries.slice(0, FOLDER_SHOWN)) {
    const size = entry.type === 'file' && entry.size !== undefined ? `  ${formatBytes(entry.size)}` : '';
    lines.push(`  ${entry.name}${entry.type === 'dir' ? '/' : ''}${size}`);
  }
  if (entries.length > FOLDER_SHOWN) lines.push(`  … ${entries.length - FOLDER_SHOWN} more entries`);
  return lines.join('\n');
}

export function fileText(request: FileRequest, body: { bytes: Buffer; more: boolean }): string {
  const size = `${formatBytes(body.bytes.length)}${body.more ? '+' : ''}`;
  if (body.bytes.subarray(0, 8000).includes(0)) return `file ${where(request)}: a binary file (${size}), not shown.`;
  const all = body.bytes.toString('utf8').split('\n');
  const first = Math.min(request.fromLine ?? 1, all.length);
  const total = `${body.more ? 'more than ' : ''}${all.length} lines, ${size}`;
  const shown: string[] = [];
  let used = 0;
  for (const line of all.slice(first - 1)) {
    if (used + line.length + 1 > FILE_MAX_CHARS && shown.length > 0) break;
    shown.push(line.slice(0, FILE_MAX_CHARS));
    used += line.length + 1;
  }
  const last = first + shown.length - 1;
  const range = first === 1 && last === all.length ? '' : `, lines ${first}-${last}`;
  const head = `file ${where(request)} (${total}${range})`;
  if (last === all.length && !body.more) return [head, ...shown].join('\n');
  const rest =
    last < all.length ? ` github_read with from_line ${last + 1} reads on.` : ' The rest is past the 1 MB read.';
  return [head, ...shown, `[Cut after line ${last} of ${all.length}${body.more ? '+' : ''}.${rest}]`].join('\n');
}
