// A paper's sections as text for the model: the list of its sections first, then the text asked for
// (the whole paper, or one section with its subsections) cut to a size, with a note naming what was cut
// and how to read it.
import { oneLine } from '../../shared/format';
import type { PaperDocument, PaperSection } from './paper-html';

/** The most text one answer gives: the tool output's own limit is 16,000 characters. */
export const PAPER_MAX_CHARS = 12_000;

const normal = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** The headings, in order: what `section` can name. */
export function sectionsLine(paper: PaperDocument): string {
  return `sections: ${paper.sections.map((section) => section.heading).join(' · ')}`;
}

/**
 * The section a person names (its number "3" or "3.1", its whole heading, or words of it) with its
 * subsections; undefined when none matches.
 */
export function pickSections(paper: PaperDocument, wanted: string): PaperSection[] | undefined {
  const want = normal(wanted);
  const headings = paper.sections.map((section) => normal(section.heading));
  const tests = [
    (heading: string) => heading === want,
    (heading: string) => heading.startsWith(`${want} `),
    (heading: string) => heading.includes(want),
  ];
  for (const test of tests) {
    const index = headings.findIndex(test);
    if (index === -1) continue;
    const first = paper.sections[index]!;
    const picked = [first];
    for (const next of paper.sections.slice(index + 1)) {
      if (first.level === 2 || next.level === 1) break;
      picked.push(next);
    }
    return picked;
  }
  return undefined;
}

/** How a section is named when asked for: its number where it has one ("3.1", "Appendix A"), else its heading. */
function sectionName(heading: string): string {
  const numbered = /^((?:Appendix )?(?:[A-Z]|\d+)(?:\.\d+)*)\s/.exec(heading);
  return numbered?.[1] ?? heading;
}

function chunk(section: PaperSection): string {
  return `${section.level === 1 ? '##' : '###'} ${section.heading}\n${section.text}`;
}

/** The sections' text up to `maxChars`, and a note on what did not fit. */
export function cutSections(sections: readonly PaperSection[], maxChars = PAPER_MAX_CHARS): string {
  const chunks = sections.map(chunk);
  const total = chunks.reduce((sum, text) => sum + text.length + 1, -1);
  if (total <= maxChars) return chunks.join('\n');
  const kept: string[] = [];
  let used = 0;
  let index = 0;
  for (; index < chunks.length; index++) {
    const text = chunks[index]!;
    if (used + text.length > maxChars) break;
    kept.push(text);
    used += text.length + 1;
  }
  const partial = chunks[index]!;
  const room = maxChars - used;
  const cutAt = Math.max(partial.lastIndexOf('\n', room), partial.lastIndexOf(' ', room));
  const short = room > 200 && cutAt > 0 ? sections[index] : undefined;
  if (short !== undefined) kept.push(`${partial.slice(0, cutAt)} …`);
  const leftOut = sections.slice(short === undefined ? index : index + 1).map((section) => section.heading);
  // Reading the section cut short on its own gives it more room, unless it already came first.
  const next = index === 0 ? leftOut[0] : (short ?? sections[index]!).heading;
  const note = [
    `[Cut at ${maxChars.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} characters`,
    short === undefined ? '' : `: "${short.heading}" was cut short`,
    leftOut.length === 0 ? '' : `${short === undefined ? ':' : ';'} left out: ${leftOut.join(', ')}`,
    next === undefined ? '.]' : `. Read one section with section, e.g. section "${sectionName(next)}".]`,
  ].join('');
  return [...kept, note].join('\n');
}

export function paperReadText(
  id: string,
  page: string,
  paper: PaperDocument,
  wanted: string | undefined,
): { text: string; found: boolean } {
  const head = [
    `paper ${id}${paper.title === undefined ? '' : `: ${oneLine(paper.title, 300)}`}  ${page}`,
    sectionsLine(paper),
  ];
  if (wanted === undefined) return { text: [...head, cutSections(paper.sections)].join('\n'), found: true };
  const picked = pickSections(paper, wanted);
  if (picked === undefined) {
    return { text: [`No section of paper ${id} matches "${wanted}".`, sectionsLine(paper)].join('\n'), found: false };
  }
  return { text: [...head, cutSections(picked)].join('\n'), found: true };
}
