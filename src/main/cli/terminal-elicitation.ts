// What an MCP server asks the person, on the terminal: its message, then each field in turn (a choice
// by its number or value, yes/no, a number); an empty answer to the first field declines.
import type { createInterface } from 'node:readline/promises';
import type { ElicitationField, ElicitationForm } from '../../shared/events';
import type { ApprovalDecision } from '../core/ports';

export async function askElicitation(
  form: ElicitationForm,
  prompt: ReturnType<typeof createInterface>,
  output: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<ApprovalDecision> {
  output.write(`\nThe MCP server ${form.server} asks: ${form.message}\n(Leave the first answer empty to decline.)\n`);
  const answer: Record<string, string> = {};
  for (const [index, field] of form.fields.entries()) {
    const given = (await prompt.question(`${label(field)}: `, { signal })).trim();
    if (index === 0 && given === '' && field.default === undefined) {
      return { decision: 'rejected', feedback: 'Declined by the person.' };
    }
    const value = given === '' ? field.default : chosen(field, given);
    if (value !== undefined) answer[field.name] = String(value);
  }
  return { decision: 'approved', editedInput: answer };
}

function label(field: ElicitationField): string {
  const name = field.title ?? field.name;
  const options = field.options?.map((option, index) => `${index + 1}) ${option}`).join(' ');
  const kind = options ?? (field.type === 'boolean' ? 'yes/no' : field.type);
  const fallback = field.default === undefined ? '' : `, default ${String(field.default)}`;
  return `${name} (${kind}${field.required ? ', required' : ''}${fallback})`;
}

/** A choice may be given by its number. */
function chosen(field: ElicitationField, given: string): string {
  const index = Number(given);
  if (field.options !== undefined && Number.isInteger(index)) return field.options[index - 1] ?? given;
  return given;
}
