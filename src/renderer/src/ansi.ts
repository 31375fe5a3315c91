// Terminal colour codes (SGR) in what commands and jobs print, as plain segments the UI renders as
// React elements: never as HTML. The 16 named colours map to theme colours (readable in light and
// dark); 256-palette and true colours keep their value and are toned towards the text colour by CSS.
import Anser from 'anser';

export type AnsiColor = { name: string } | { rgb: string };

export interface AnsiSegment {
  text: string;
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
  strike?: true;
}

const ESC = '\u001b';
/** Operating-system commands (window titles, links): not text, and not handled by the SGR parser. */
// eslint-disable-next-line no-control-regex
const osc = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const CUBE = [0, 95, 135, 175, 215, 255];

/** A colour of the 256 palette: the 16 named ones by name, the cube and the greys by value. */
export function paletteColor(index: number): AnsiColor {
  if (index < 8) return { name: NAMES[index]! };
  if (index < 16) return { name: `bright-${NAMES[index - 8]!}` };
  if (index < 232) {
    const cube = index - 16;
    const r = CUBE[Math.floor(cube / 36)]!;
    const g = CUBE[Math.floor(cube / 6) % 6]!;
    const b = CUBE[cube % 6]!;
    return { rgb: `${r}, ${g}, ${b}` };
  }
  const grey = 8 + (index - 232) * 10;
  return { rgb: `${grey}, ${grey}, ${grey}` };
}

function colorOf(kind: string | null, truecolor: string | null): AnsiColor | undefined {
  if (kind === null || !kind.startsWith('ansi-')) return undefined;
  const name = kind.slice('ansi-'.length);
  if (name === 'truecolor') return truecolor === null ? undefined : { rgb: truecolor };
  if (name.startsWith('palette-')) return paletteColor(Number(name.slice('palette-'.length)));
  return { name };
}

/** Splits text with SGR codes into styled segments; other escape codes (cursor moves) are dropped. */
export function ansiSegments(text: string): AnsiSegment[] {
  if (!text.includes(ESC)) return text === '' ? [] : [{ text }];
  const segments: AnsiSegment[] = [];
  for (const entry of Anser.ansiToJson(text.replace(osc, ''), { use_classes: true, remove_empty: true })) {
    const content = entry.content.replaceAll(ESC, '');
    if (content === '') continue;
    const segment: AnsiSegment = { text: content };
    const fg = colorOf(entry.fg, entry.fg_truecolor);
    const bg = colorOf(entry.bg, entry.bg_truecolor);
    if (fg !== undefined) segment.fg = fg;
    if (bg !== undefined) segment.bg = bg;
    const decorations = new Set(entry.decorations);
    if (decorations.has('bold')) segment.bold = true;
    if (decorations.has('dim')) segment.dim = true;
    if (decorations.has('italic')) segment.italic = true;
    if (decorations.has('underline')) segment.underline = true;
    if (decorations.has('strikethrough')) segment.strike = true;
    const last = segments.at(-1);
    if (last !== undefined && sameStyle(last, segment)) last.text += segment.text;
    else segments.push(segment);
  }
  return segments;
}

function sameStyle(a: AnsiSegment, b: AnsiSegment): boolean {
  return JSON.stringify({ ...a, text: '' }) === JSON.stringify({ ...b, text: '' });
}

/** The text without any escape codes. */
export function ansiPlain(text: string): string {
  return ansiSegments(text)
    .map((segment) => segment.text)
    .join('');
}
