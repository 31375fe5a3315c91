// The settings screen's text fields turned into a `settings.update` change, checked with the same
// schema the main process uses, so an error is shown beside the field that caused it before anything
// is sent; and the allow rule "always allow this" suggests for a call.
import type { ApprovalRule } from '../../shared/loop-config';
import { settingsPatchSchema, type SettingsPatch } from '../../shared/settings';

/** Errors by field path within the change (`sandbox.cpus`, `providers.endpoints.0.baseUrl`). */
export type FieldErrors = Record<string, string>;

export type PatchCheck = { ok: true; patch: SettingsPatch } | { ok: false; errors: FieldErrors };

export function checkPatch(patch: SettingsPatch): PatchCheck {
  const parsed = settingsPatchSchema.safeParse(patch);
  if (parsed.success) return { ok: true, patch };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return { ok: false, errors };
}

export function textField(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

function stringArg(input: unknown, name: string): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as Record<string, unknown>)[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The allow rule "always allow this" suggests for a call: for a command, every command starting with
 * the same word; for a file tool, that path; otherwise the whole tool. The person can edit it first.
 */
export function suggestedRule(tool: string, input: unknown): ApprovalRule {
  const command = stringArg(input, 'command');
  if (command !== undefined) {
    const first = command.split(/\s+/)[0]!;
    return { tool, arg: 'command', pattern: first === command ? first : `${first} *`, action: 'allow' };
  }
  const path = stringArg(input, 'path');
  if (path !== undefined) return { tool, arg: 'path', pattern: path, action: 'allow' };
  return { tool, action: 'allow' };
}
