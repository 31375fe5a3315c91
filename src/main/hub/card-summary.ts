// The first paragraph of prose of a model or dataset card (its README.md): the YAML header, headings,
// badges, images, HTML, tables and code are skipped, and the result is cut to a few lines.
const SUMMARY_MAX_CHARS = 600;

function withoutFrontMatter(text: string): string {
  const match = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(text);
  return match === null ? text : text.slice(match[0].length);
}

function isProse(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed === '') return false;
  if (/^(#|\||```|~~~|>\s*\[!|<|!\[|\[!\[|---|\*\*\*|===)/.test(trimmed)) return false;
  // A line of only links (badges, navigation) is not prose.
  return trimmed.replace(/\[[^\]]*\]\([^)]*\)/g, '').replace(/[\s|·•-]/g, '') !== '';
}

function plain(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[*_`]{1,3}([^*_`]+)[*_`]{1,3}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function cardSummary(readme: string): string | undefined {
  const body = withoutFrontMatter(readme).replace(/<!--[\s\S]*?-->/g, '');
  const lines = body.split(/\r?\n/);
  let inCode = false;
  const paragraph: string[] = [];
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) {
      inCode = !inCode;
      if (paragraph.length > 0) break;
      continue;
    }
    if (inCode) continue;
    if (isProse(line)) {
      paragraph.push(line);
      continue;
    }
    if (paragraph.length > 0) break;
  }
  const summary = plain(paragraph.join(' '));
  if (summary === '') return undefined;
  return summary.length > SUMMARY_MAX_CHARS ? `${summary.slice(0, SUMMARY_MAX_CHARS - 1)}…` : summary;
}
