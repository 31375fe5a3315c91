// A paper's text from arXiv's HTML rendering (LaTeXML: an <article> with <section>s headed by h2 for
// sections and h3 for subsections), split at those headings. Formulas become their TeX (`alttext`), and
// scripts, styles, navigation, the author block and the figures' images are left out.
import { Parser } from 'htmlparser2';

export interface PaperSection {
  heading: string;
  /** 1 for a section (h2, and the abstract), 2 for a subsection (h3). */
  level: 1 | 2;
  text: string;
}

export interface PaperDocument {
  title: string | undefined;
  sections: PaperSection[];
}

const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'button', 'svg', 'head']);
const SKIPPED_CLASSES = ['ltx_authors', 'ltx_page_navbar', 'ltx_page_footer', 'ltx_dates', 'ltx_role_footnote'];
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'li',
  'tr',
  'figure',
  'figcaption',
  'table',
  'blockquote',
  'pre',
  'h4',
  'h5',
  'h6',
  'br',
  'section',
  'dd',
  'dt',
]);

interface Open {
  name: string;
  skip: boolean;
  /** The heading this element starts, whose text is collected until it closes. */
  heading?: 1 | 2 | 'title';
}

/** Lines trimmed, runs of spaces made one, empty lines dropped. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

function headingLevel(name: string, className: string): Open['heading'] {
  if (name === 'h1') return 'title';
  if (name === 'h2') return 1;
  if (name === 'h3') return 2;
  if (className.includes('ltx_title_abstract')) return 1;
  return undefined;
}

function skipsElement(name: string, className: string): boolean {
  const classes = className.split(/\s+/);
  return (
    SKIPPED_TAGS.has(name) ||
    name === 'annotation' ||
    name === 'annotation-xml' ||
    SKIPPED_CLASSES.some((skipped) => classes.includes(skipped))
  );
}

/** Walks the page's tags in order, sending text to the heading being read, else to the current section. */
class PaperWalker {
  private readonly stack: Open[] = [];
  private readonly sections: { heading: string; level: 1 | 2; parts: string[] }[] = [];
  private readonly front: string[] = [];
  private heading: { level: 1 | 2 | 'title'; parts: string[] } | undefined;
  private inArticle = 0;
  title: string | undefined;

  /** LaTeXML puts the paper in one <article>; outside it is arXiv's page around the paper. */
  constructor(private readonly hasArticle: boolean) {}

  private skipping(): boolean {
    return this.stack.some((open) => open.skip) || (this.hasArticle && this.inArticle === 0);
  }

  write(text: string): void {
    if (this.skipping()) return;
    if (this.heading !== undefined) this.heading.parts.push(text);
    else (this.sections.at(-1)?.parts ?? this.front).push(text);
  }

  open(name: string, attributes: Record<string, string>): void {
    const className = attributes.class ?? '';
    if (name === 'article') this.inArticle++;
    if (name === 'math') {
      const tex = (attributes.alttext ?? '').trim();
      this.write(attributes.display === 'block' ? `\n$$${tex}$$\n` : ` $${tex}$ `);
      this.stack.push({ name, skip: true });
      return;
    }
    const skip = skipsElement(name, className);
    const level = skip || this.skipping() ? undefined : headingLevel(name, className);
    if (level !== undefined) this.heading = { level, parts: [] };
    else if (BLOCK_TAGS.has(name)) this.write('\n');
    else if (name === 'td' || name === 'th') this.write(' ');
    this.stack.push({ name, skip, ...(level === undefined ? {} : { heading: level }) });
  }

  close(name: string): void {
    const open = this.stack.pop();
    if (name === 'article') this.inArticle--;
    if (open?.heading === undefined || this.heading === undefined) {
      if (BLOCK_TAGS.has(name)) this.write('\n');
      return;
    }
    const text = tidy(this.heading.parts.join('')).replace(/\n/g, ' ');
    if (this.heading.level === 'title') this.title = text;
    else this.sections.push({ heading: text, level: this.heading.level, parts: [] });
    this.heading = undefined;
  }

  result(): PaperSection[] {
    const done = this.sections.map(({ heading, level, parts }) => ({ heading, level, text: tidy(parts.join('')) }));
    const before = tidy(this.front.join(''));
    if (before !== '') done.unshift({ heading: 'Front matter', level: 1, text: before });
    return done.filter((section) => section.heading !== '' || section.text !== '');
  }
}

export function parsePaperHtml(html: string): PaperDocument {
  const walker = new PaperWalker(/<article[\s>]/i.test(html));
  const parser = new Parser(
    {
      onopentag: (name, attributes) => walker.open(name, attributes),
      ontext: (text) => walker.write(text.replace(/\s+/g, ' ')),
      onclosetag: (name) => walker.close(name),
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return { title: walker.title, sections: walker.result() };
}
