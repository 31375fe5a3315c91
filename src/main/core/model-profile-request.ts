// What a model profile changes in a request: its temperature and whether a thinking model thinks;
// tool descriptions cut short (`compactTools`); and tools as text (`tools: 'text'`) for models that
// cannot take them natively: none are sent as tools, the system prompt describes them and the one
// format the model writes its calls in (`<tool_call>`, which model-text-calls.ts recovers), and the
// conversation's calls and results are written back in that format, since such a model's template
// has no place for them.
import type { ModelProfile } from '../../shared/model-profiles';
import type { ChatMessage, ModelRequest, ToolCallRequest, ToolSpec } from './model';

type Shaped = Pick<ModelRequest, 'messages' | 'tools' | 'temperature' | 'think'>;

export function profiledRequest(
  profile: ModelProfile | undefined,
  request: { messages: readonly ChatMessage[]; tools: readonly ToolSpec[] },
): Shaped {
  const options = {
    ...(profile?.temperature !== undefined && { temperature: profile.temperature }),
    ...(profile?.think !== undefined && { think: profile.think }),
  };
  const tools = profile?.compactTools === true ? request.tools.map(compactSpec) : request.tools;
  if (profile?.tools !== 'text') return { messages: request.messages, tools, ...options };
  return { messages: textConversation(request.messages, tools), tools: [], ...options };
}

/** A tool's description cut to its first sentence, and the descriptions of its parameters dropped. */
export function compactSpec(spec: ToolSpec): ToolSpec {
  return {
    name: spec.name,
    description: firstSentence(spec.description),
    parameters: withoutDescriptions(spec.parameters),
  };
}

function firstSentence(text: string): string {
  const trimmed = text.trim();
  // A stop ends the sentence unless it ends an abbreviation (`e.g.`).
  const match = /^[\s\S]+?(?<!\b(?:e\.g|i\.e|etc|vs))[.!?](?=\s|$)/.exec(trimmed);
  return (match?.[0] ?? trimmed).replace(/\s+/g, ' ');
}

/** A JSON Schema without `description` annotations, at any depth (property names are kept whatever they are). */
function withoutDescriptions(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (key === 'properties' && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, isRecord(inner) ? withoutDescriptions(inner) : inner]),
      );
    } else if (Array.isArray(value)) {
      out[key] = value.map((item) => (isRecord(item) ? withoutDescriptions(item) : item));
    } else out[key] = isRecord(value) ? withoutDescriptions(value) : value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The system prompt's part that tells a model without native tools how to call them. */
export function toolsAsTextPrompt(tools: readonly ToolSpec[]): string {
  const listed = tools.map(
    (tool) => `- ${tool.name}: ${tool.description}\n  arguments: ${JSON.stringify(tool.parameters)}`,
  );
  return [
    '# Tools',
    "To call a tool, write the call in your reply exactly in this form, one block per call, its arguments a JSON object that follows the tool's schema:",
    '<tool_call>\n{"name": "<tool name>", "arguments": {<arguments>}}\n</tool_call>',
    'Write nothing after your calls: their results come back to you in <tool_response> blocks. When you are done, answer without a call.',
    'The tools:',
    listed.join('\n'),
  ].join('\n\n');
}

function writtenCall(call: ToolCallRequest): string {
  const args = call.arguments.trim() === '' ? '{}' : call.arguments.trim();
  return `<tool_call>\n{"name": ${JSON.stringify(call.name)}, "arguments": ${args}}\n</tool_call>`;
}

function writtenResult(message: Extract<ChatMessage, { role: 'tool' }>): string {
  const error = message.isError === true ? ' error="true"' : '';
  return `<tool_response name="${message.toolName}"${error}>\n${message.content}\n</tool_response>`;
}

/** The conversation for a model that takes no tools: calls written as text, results as the person's words. */
function textConversation(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): ChatMessage[] {
  const prompt = toolsAsTextPrompt(tools);
  const out: ChatMessage[] = [];
  if (tools.length > 0 && messages[0]?.role !== 'system') out.push({ role: 'system', content: prompt });
  /** The message the current turn's results go into, so that the roles still alternate. */
  let results: { role: 'user'; content: string } | undefined;
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (results !== undefined) results.content += `\n${writtenResult(message)}`;
      else out.push((results = { role: 'user', content: writtenResult(message) }));
      continue;
    }
    results = undefined;
    if (message.role === 'system' && index === 0 && tools.length > 0) {
      out.push({ role: 'system', content: `${message.content}\n\n${prompt}` });
    } else if (message.role === 'assistant' && message.toolCalls !== undefined && message.toolCalls.length > 0) {
      const parts = [message.content.trim(), ...message.toolCalls.map(writtenCall)].filter((part) => part !== '');
      out.push({ role: 'assistant', content: parts.join('\n') });
    } else out.push(message);
  }
  return out;
}
