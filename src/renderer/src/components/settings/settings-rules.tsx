// The approval rules every new run starts with, after those given for the run: per tool, optionally
// per argument pattern (`*` any text, `?` one character), allow / ask / deny; the first match wins.
import { useState } from 'react';
import { approvalActions, type ApprovalAction, type ApprovalRule } from '../../../../shared/loop-config';
import { textField } from '../../settings-form';
import { Field } from '../common/field';
import { TextField } from '../common/text-field';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

interface RuleDraft {
  tool: string;
  arg: string;
  pattern: string;
  action: ApprovalAction;
}

const draftOf = (rule: ApprovalRule): RuleDraft => ({
  tool: rule.tool,
  arg: rule.arg ?? '',
  pattern: rule.pattern ?? '',
  action: rule.action,
});

function ruleOf(draft: RuleDraft): ApprovalRule {
  const arg = textField(draft.arg);
  const pattern = textField(draft.pattern);
  return {
    tool: draft.tool.trim(),
    ...(arg === undefined ? {} : { arg }),
    ...(pattern === undefined ? {} : { pattern }),
    action: draft.action,
  };
}

export function RulesSection({ view, save }: SectionProps) {
  const [rules, setRules] = useState(() => view.settings.rules.map(draftOf));
  const section = useSectionSave(save);
  const errorOf = (index: number) =>
    Object.entries(section.errors)
      .filter(([path]) => path === `rules.${index}` || path.startsWith(`rules.${index}.`))
      .map(([, message]) => message)
      .join('; ') || undefined;

  return (
    <Section title="Approval rules" testId="settings-rules">
      <p className="muted">
        Every new run checks these after its own rules; the first that matches decides. Without a match, reading,
        writing and running code in the sandbox go ahead, and network, GPU and publishing ask.
      </p>
      {rules.length === 0 && <p className="muted">No default rules.</p>}
      <ol className="settings-rules">
        {rules.map((rule, index) => (
          <RuleRow
            key={index}
            rule={rule}
            error={errorOf(index)}
            onChange={(patch) => setRules(rules.map((item, at) => (at === index ? { ...item, ...patch } : item)))}
            onRemove={() => setRules(rules.filter((_, at) => at !== index))}
          />
        ))}
      </ol>
      <button
        type="button"
        className="button"
        data-testid="rule-add"
        onClick={() => setRules([...rules, { tool: '', arg: '', pattern: '', action: 'ask' }])}
      >
        Add a rule
      </button>
      <SaveRow
        busy={section.busy}
        saved={section.saved}
        error={section.error}
        onSave={() => void section.run({ rules: rules.map(ruleOf) })}
      />
    </Section>
  );
}

interface RuleRowProps {
  rule: RuleDraft;
  error: string | undefined;
  onChange: (patch: Partial<RuleDraft>) => void;
  onRemove: () => void;
}

function RuleRow({ rule, error, onChange, onRemove }: RuleRowProps) {
  return (
    <li className="form-row settings-rule" data-testid="rule">
      <TextField
        label="Tool"
        className="narrow"
        testId="rule-tool"
        placeholder="bash, or * for all"
        value={rule.tool}
        onChange={(tool) => onChange({ tool })}
        error={error}
      />
      <TextField
        label="Argument"
        className="narrow"
        testId="rule-arg"
        placeholder="command"
        value={rule.arg}
        onChange={(arg) => onChange({ arg })}
      />
      <TextField
        label="Pattern"
        className="grow"
        testId="rule-pattern"
        placeholder="pip install *"
        value={rule.pattern}
        onChange={(pattern) => onChange({ pattern })}
      />
      <Field label="Then" className="narrow">
        <select
          className="text-input"
          data-testid="rule-action"
          value={rule.action}
          onChange={(event) => onChange({ action: event.target.value as ApprovalAction })}
        >
          {approvalActions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </Field>
      <button type="button" className="button" data-testid="rule-remove" onClick={onRemove}>
        Remove
      </button>
    </li>
  );
}
