// Tool calls a model wrote as text instead of sending them as calls, as many small local models do:
// `<tool_call>{…}</tool_call>` (Qwen, Hermes), a fenced ```json block with `name` and `arguments`,
// `[TOOL_CALLS] […]` (Mistral), `<|python_tag|>{…}` or a reply that is one `{"name", "parameters"}`
// object (Llama 3). A call is recovered only when it names a tool offered in the request and its
// arguments are a JSON object; anything else (code, data, an unknown name) stays the model's words.
import type { ToolCall } from '../../shared/events';
import type { ToolCallRequest } from './model';

export type TextCallFormat = NonNullable<ToolCall['recoveredFrom']>;

export type RecoveredCall = ToolCallRequest & { recoveredFrom: TextCallFormat };

interface Found {
  start: number;
  end: number;
  calls: RecoveredCall[];
}

type Candidate = { name: string; args: Record<string, unknown> };

/**
 * The calls written in `text` for the `offered` tools, and the text without them. `makeId` names each
 * recovered call (its index among them).
 */
export function recoverTextCalls(
  text: string,
  offered: ReadonlySet<string>,
  makeId: (index: number) => string,
): { text: string; calls: RecoveredCall[] } {
  if (offered.size === 0) return { text, calls: [] };
  const found: Found[] = [];
  const claim = (start: number, end: number, format: TextCallFormat, values: readonly unknown[]) => {
    if (found.some((one) => start < one.end && one.start < end)) return;
    const candidates = values.map((value) => candidateOf(value, offered));
    if (candidates.length === 0 || candidates.some((one) => one === undefined)) return;
    const calls = (candidates as Candidate[]).map((one) => ({
      id: '',
      name: one.name,
      arguments: JSON.stringify(one.args),
      recoveredFrom: format,
    }));
    found.push({ start, end, calls });
  };
  findHermes(text, claim);
  findMarked(text, '[TOOL_CALLS]', 'mistral', claim);
  findMarked(text, '<|python_tag|>', 'llama', claim);
  findFenced(text, claim);
  if (found.length === 0) findWhole(text, claim);
  if (found.length === 0) return { text, calls: [] };
  found.sort((a, b) => a.start - b.start);
  let rest = '';
  let from = 0;
  for (const one of found) {
    rest += text.slice(from, one.start);
    from = one.end;
  }
  rest += text.slice(from);
  const calls = found.flatMap((one) => one.calls).map((call, index) => ({ ...call, id: makeId(index) }));
  return { text: rest.replace(/\n{3,}/g, '\n\n').trim(), calls };
}

type Claim = (start: number, end: number, format: TextCallFormat, values: readonly unknown[]) => void;

/** `{"name": …, "arguments"|"parameters": {…}}` naming an offered tool; arguments as JSON text are read too. */
function candidateOf(value: unknown, offered: ReadonlySet<string>): Candidate | undefined {
  if (!isObject(value)) return undefined;
  const name = value.name;
  if (typeof name !== 'string' || !offered.has(name)) return undefined;
  let args = 'arguments' in value ? value.arguments : value.parameters;
  if (typeof args === 'string') args = parseJson(args);
  return isObject(args) ? { name, args } : undefined;
}

function findHermes(text: string, claim: Claim): void {
  const open = '<tool_call>';
  for (let start = text.indexOf(open); start >= 0; start = text.indexOf(open, start + open.length)) {
    const json = jsonValueAt(text, start + open.length);
    if (json === undefined) continue;
    const close = /^\s*<\/tool_call>/.exec(text.slice(json.end));
    // A reply may end before its closing tag (the server stopped at it).
    if (close === null && text.slice(json.end).trim() !== '') continue;
    claim(start, json.end + (close?.[0].length ?? 0), 'hermes', [json.value]);
  }
}

/** A marker followed by one call object or an array of them (to the end of the reply, as these are written). */
function findMarked(text: string, marker: string, format: TextCallFormat, claim: Claim): void {
  const start = text.indexOf(marker);
  if (start < 0) return;
  const json = jsonValueAt(text, start + marker.length);
  if (json === undefined) return;
  const tail = /^\s*(<\|eom_id\|>|<\|eot_id\|>|<\/s>)?\s*/.exec(text.slice(json.end))![0];
  claim(start, json.end + tail.length, format, Array.isArray(json.value) ? json.value : [json.value]);
}

/** Fenced blocks marked `json` or unmarked whose whole body is a call (or a list of calls). */
function findFenced(text: string, claim: Claim): void {
  const fence = /```(json)?[ \t]*\n([\s\S]*?)\n[ \t]*```/g;
  for (const match of text.matchAll(fence)) {
    const value = parseJson(match[2]!);
    if (value === undefined) continue;
    claim(match.index, match.index + match[0].length, 'json-block', Array.isArray(value) ? value : [value]);
  }
}

/** A reply that is nothing but one call object: Llama 3's JSON tool format. */
function findWhole(text: string, claim: Claim): void {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return;
  const value = parseJson(trimmed);
  if (value !== undefined) claim(0, text.length, 'llama', [value]);
}

/** The JSON object or array starting at the first non-space character from `from`, and where it ends. */
function jsonValueAt(text: string, from: number): { value: unknown; end: number } | undefined {
  let start = from;
  while (start < text.length && /\s/.test(text[start]!)) start++;
  if (text[start] !== '{' && text[start] !== '[') return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && --depth === 0) {
      const value = parseJson(text.slice(start, index + 1));
      return value === undefined ? undefined : { value, end: index + 1 };
    }
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
