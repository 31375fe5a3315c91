// Reasoning a model writes inside its words: a reply that opens with `<think>…</think>` (deepseek-r1,
// qwen3 on servers that do not part it out). The splitter takes the words as they stream and says which
// part is the answer and which the reasoning, holding back only what may yet be a tag.

const OPEN = '<think>';
const CLOSE = '</think>';

export interface SplitText {
  text: string;
  thinking: string;
}

export class ThinkSplitter {
  /** `start` until the reply shows whether it opens with a tag. */
  private mode: 'start' | 'thinking' | 'text' = 'start';
  private held = '';

  push(delta: string): SplitText {
    this.held += delta;
    const out: SplitText = { text: '', thinking: '' };
    if (this.mode === 'start') {
      const leading = this.held.trimStart();
      if (OPEN.startsWith(leading)) return out;
      if (leading.startsWith(OPEN)) {
        this.mode = 'thinking';
        this.held = leading.slice(OPEN.length);
      } else this.mode = 'text';
    }
    if (this.mode === 'thinking') {
      const close = this.held.indexOf(CLOSE);
      if (close < 0) {
        const keep = partialTagLength(this.held, CLOSE);
        out.thinking = this.held.slice(0, this.held.length - keep);
        this.held = this.held.slice(this.held.length - keep);
        return out;
      }
      out.thinking = this.held.slice(0, close);
      this.held = this.held.slice(close + CLOSE.length).trimStart();
      this.mode = 'text';
    }
    out.text = this.held;
    this.held = '';
    return out;
  }

  /** What is still held when the reply ends. */
  end(): SplitText {
    const held = this.held;
    this.held = '';
    return this.mode === 'thinking' ? { text: '', thinking: held } : { text: held, thinking: '' };
  }
}

/** How many characters at the end of `text` begin `tag`. */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}

/**
 * Reasoning that ends with `</think>` but never opened (a chat template that writes the opening tag
 * into the prompt): what comes before the closing tag is reasoning.
 */
export function splitUnopenedThinking(text: string): SplitText | undefined {
  const close = text.indexOf(CLOSE);
  if (close < 0 || text.slice(0, close).includes(OPEN)) return undefined;
  return { thinking: text.slice(0, close).trim(), text: text.slice(close + CLOSE.length).trimStart() };
}
