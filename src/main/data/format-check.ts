// Whether a dataset has the shape a training method expects, row by row: SFT (messages, text, or
// prompt + completion), DPO (prompt, chosen, rejected) or classification (a text and a label column).
// The first problems are kept with their row and line numbers; the rest are counted.
export type Method = 'sft' | 'dpo' | 'classification';

export interface FormatOptions {
  method: Method;
  textColumn?: string | undefined;
  labelColumn?: string | undefined;
}

export interface FormatVerdict {
  ok: boolean;
  /** What was checked: the variant found (`sft: messages`) and the columns used. */
  what: string;
  problems: string[];
  problemCount: number;
}

const PROBLEMS_KEPT = 8;
const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'developer']);

type Row = Record<string, unknown>;

function parsedList(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trimStart().startsWith('[')) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Why a value is not a conversation (a list of {role, content} with an assistant turn), or undefined. */
function conversationProblem(name: string, raw: unknown, needAssistant: boolean): string | undefined {
  const value = parsedList(raw);
  if (!Array.isArray(value)) return `${name} is not a list of messages`;
  if (value.length === 0) return `${name} is an empty list`;
  for (const [index, message] of value.entries()) {
    if (typeof message !== 'object' || message === null)
      return `${name}[${index}] is not an object with role and content`;
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role))
      return `${name}[${index}].role is ${JSON.stringify(role) ?? 'missing'}, expected system, user, assistant or tool`;
    if (typeof content !== 'string' && !Array.isArray(content) && !(role === 'assistant' && content === null))
      return `${name}[${index}].content is ${content === undefined ? 'missing' : `a ${typeof content}`}, expected text`;
  }
  if (needAssistant && !value.some((message) => (message as { role: string }).role === 'assistant'))
    return `${name} has no assistant message to learn from`;
  return undefined;
}

function textProblem(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return `${name} is missing`;
  if (typeof value !== 'string') return `${name} is a ${Array.isArray(value) ? 'list' : typeof value}, expected text`;
  if (value.trim() === '') return `${name} is empty`;
  return undefined;
}

/** Text, or (conversational datasets) a list of messages. */
function textOrConversation(name: string, value: unknown): string | undefined {
  const parsed = parsedList(value);
  return Array.isArray(parsed) ? conversationProblem(name, parsed, false) : textProblem(name, value);
}

export class FormatCheck {
  private variant: string | undefined;
  private fatal: string | undefined;
  private readonly problems: string[] = [];
  private problemCount = 0;
  private rows = 0;
  private readonly labels = new Map<string, number>();

  constructor(private readonly options: FormatOptions) {}

  private columnsFor(columns: readonly string[]): string | undefined {
    const has = (name: string) => columns.includes(name);
    const list = columns.length === 0 ? 'none' : columns.join(', ');
    switch (this.options.method) {
      case 'sft':
        if (has('messages')) return 'messages';
        if (has('text')) return 'text';
        if (has('prompt') && has('completion')) return 'prompt + completion';
        this.fatal = `SFT needs a "messages" column (a list of {role, content}), a "text" column, or "prompt" and "completion" columns; the columns are: ${list}.`;
        return undefined;
      case 'dpo': {
        const missing = ['prompt', 'chosen', 'rejected'].filter((name) => !has(name));
        if (missing.length === 0) return 'prompt, chosen, rejected';
        if (missing.length === 1 && missing[0] === 'prompt')
          return 'chosen, rejected (conversations, the prompt in them)';
        this.fatal = `DPO needs "prompt", "chosen" and "rejected" columns; missing: ${missing.join(', ')}; the columns are: ${list}.`;
        return undefined;
      }
      case 'classification': {
        const text = this.options.textColumn ?? 'text';
        const label = this.options.labelColumn ?? 'label';
        const missing = [text, label].filter((name) => !has(name));
        if (missing.length === 0) return `text "${text}", label "${label}"`;
        this.fatal = `Classification needs a text column and a label column; not found: ${missing.map((name) => `"${name}"`).join(', ')}; the columns are: ${list}. Name them with textColumn and labelColumn.`;
        return undefined;
      }
    }
  }

  /** Checks one row; `columns` are the file's columns (the CSV header, or the JSONL keys seen so far). */
  check(row: Row, columns: readonly string[], rowNumber: number, line: number): void {
    if (this.fatal !== undefined) return;
    this.variant ??= this.columnsFor(columns);
    if (this.variant === undefined) return;
    this.rows++;
    const problem = this.rowProblem(row);
    if (problem === undefined) return;
    this.problemCount++;
    if (this.problems.length < PROBLEMS_KEPT) this.problems.push(`row ${rowNumber} (line ${line}): ${problem}`);
  }

  private rowProblem(row: Row): string | undefined {
    switch (this.variant) {
      case 'messages':
        return conversationProblem('messages', row.messages, true);
      case 'text':
        return textProblem('text', row.text);
      case 'prompt + completion':
        return textOrConversation('prompt', row.prompt) ?? textOrConversation('completion', row.completion);
      case 'prompt, chosen, rejected':
      case 'chosen, rejected (conversations, the prompt in them)': {
        const problem =
          (row.prompt === undefined && this.variant !== 'prompt, chosen, rejected'
            ? undefined
            : textOrConversation('prompt', row.prompt)) ??
          textOrConversation('chosen', row.chosen) ??
          textOrConversation('rejected', row.rejected);
        if (problem !== undefined) return problem;
        return JSON.stringify(row.chosen) === JSON.stringify(row.rejected)
          ? 'chosen and rejected are the same, so the pair teaches nothing'
          : undefined;
      }
      default: {
        const text = this.options.textColumn ?? 'text';
        const label = this.options.labelColumn ?? 'label';
        const problem = textProblem(text, row[text]);
        if (problem !== undefined) return problem;
        const value = row[label];
        if (value === undefined || value === null || value === '') return `${label} is missing`;
        const key = typeof value === 'string' ? value : JSON.stringify(value);
        this.labels.set(key, (this.labels.get(key) ?? 0) + 1);
        return undefined;
      }
    }
  }

  verdict(): FormatVerdict {
    const method = this.options.method;
    if (this.fatal !== undefined) return { ok: false, what: method, problems: [this.fatal], problemCount: 1 };
    if (this.variant === undefined)
      return { ok: false, what: method, problems: ['the file has no rows to check'], problemCount: 1 };
    const problems = [...this.problems];
    let count = this.problemCount;
    if (method === 'classification' && this.labels.size < 2) {
      problems.push(
        `only ${this.labels.size} label value${this.labels.size === 1 ? '' : 's'}: a classifier needs at least two classes`,
      );
      count++;
    }
    return { ok: count === 0, what: `${method}: ${this.variant}`, problems, problemCount: count };
  }
}
