// Reads a flat dict written as Python prints it (`{'loss': 0.6931, 'learning_rate': 5e-05, 'epoch': 0.5}`,
// as Hugging Face's Trainer logs), or as JSON with NaN and Infinity (Python's json.dumps), without running
// anything: a small scanner for keys in quotes and the values a metric can have. Numbers (nan and inf
// included) come back as numbers, and numbers wrapped in a call (`np.float64(0.5)`, `tensor(0.5)`) as the
// number inside; strings, booleans, None and nested lists or dicts come back as undefined.

type Entry = [key: string, value: number | undefined];

const NUMBER = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/;
const SPECIAL: Record<string, number> = {
  nan: NaN,
  NaN: NaN,
  inf: Infinity,
  Infinity: Infinity,
  '-inf': -Infinity,
  '-Infinity': -Infinity,
  '+inf': Infinity,
};
const WORD = /^[-+]?[A-Za-z_][A-Za-z0-9_.]*/;
const WRAPPED = /^[A-Za-z_][A-Za-z0-9_.]*\(\s*([^()]*?)\s*(?:,[^()]*)?\)/;

class Scanner {
  index = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.index < this.text.length && /\s/.test(this.text[this.index]!)) this.index++;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.index];
  }

  /** A string in single or double quotes, with backslash escapes kept as the escaped character. */
  string(): string | undefined {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') return undefined;
    let value = '';
    for (let at = this.index + 1; at < this.text.length; at++) {
      const char = this.text[at]!;
      if (char === '\\') value += this.text[++at] ?? '';
      else if (char === quote) {
        this.index = at + 1;
        return value;
      } else value += char;
    }
    return undefined;
  }

  /** A nested list, tuple or dict, skipped whole (strings inside may hold brackets). */
  skipNested(): boolean {
    let depth = 0;
    while (this.index < this.text.length) {
      const char = this.peek();
      if (char === "'" || char === '"') {
        if (this.string() === undefined) return false;
        continue;
      }
      this.index++;
      if (char === '[' || char === '{' || char === '(') depth++;
      else if (char === ']' || char === '}' || char === ')') depth--;
      if (depth === 0) return true;
    }
    return false;
  }

  /** One value: a number, a wrapped number, a word (nan, True, None…), a string or a nested value. */
  value(): { ok: boolean; number?: number } {
    const char = this.peek();
    if (char === undefined) return { ok: false };
    if (char === "'" || char === '"') return { ok: this.string() !== undefined };
    if (char === '[' || char === '{' || char === '(') return { ok: this.skipNested() };
    const rest = this.text.slice(this.index);
    const wrapped = WRAPPED.exec(rest);
    if (wrapped !== null) {
      this.index += wrapped[0].length;
      return { ok: true, number: numberOf(wrapped[1]!) };
    }
    const match = NUMBER.exec(rest) ?? WORD.exec(rest);
    if (match === null) return { ok: false };
    this.index += match[0].length;
    return { ok: true, number: numberOf(match[0]) };
  }
}

function numberOf(text: string): number | undefined {
  if (text in SPECIAL) return SPECIAL[text];
  return NUMBER.exec(text)?.[0] === text ? Number(text) : undefined;
}

/** The entries of a flat `{key: value, …}`; undefined when the text is not one. */
export function parseDictLiteral(text: string): Entry[] | undefined {
  const scanner = new Scanner(text);
  if (scanner.peek() !== '{') return undefined;
  scanner.index++;
  const entries: Entry[] = [];
  if (scanner.peek() === '}') return scanner.index + 1 === text.trimEnd().length ? entries : undefined;
  for (;;) {
    const key = scanner.string();
    if (key === undefined || scanner.peek() !== ':') return undefined;
    scanner.index++;
    const value = scanner.value();
    if (!value.ok) return undefined;
    entries.push([key, value.number]);
    const next = scanner.peek();
    scanner.index++;
    if (next === '}') return scanner.index === text.trimEnd().length ? entries : undefined;
    if (next !== ',') return undefined;
  }
}
