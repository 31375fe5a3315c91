// What a new run starts with when the start form (or the command line) does not say: the model, the
// step limit and budgets.
import { useState } from 'react';
import { costRule, maxStepsRule, tokensRule } from '../../number-rules';
import { TextField } from '../common/text-field';
import { NumberGroup, useNumberGroup, type NumberSpecs } from './number-group';
import { overrideNote, SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

const budgetFields: NumberSpecs<'maxSteps' | 'tokens' | 'costUsd'> = {
  maxSteps: { label: 'Max steps', testId: 'default-max-steps', rule: maxStepsRule, placeholder: '50' },
  tokens: { label: 'Token budget', testId: 'default-tokens', rule: tokensRule, placeholder: 'no limit' },
  costUsd: { label: 'Cost budget', testId: 'default-cost', rule: costRule, unit: 'USD', placeholder: 'no limit' },
};

export function RunDefaultsSection({ view, save }: SectionProps) {
  const { settings } = view;
  const [model, setModel] = useState(settings.defaultModel);
  const budget = useNumberGroup(budgetFields, settings.budget);
  const section = useSectionSave(save);

  function onSave(): void {
    const read = budget.read();
    if (!read.ok) return section.reject(read.errors, 'budget');
    void section.run({ defaultModel: model.trim(), budget: read.values });
  }

  return (
    <Section title="New runs" testId="settings-defaults">
      <div className="form-row">
        <TextField
          label="Default model"
          className="grow"
          testId="default-model"
          value={model}
          onChange={setModel}
          error={section.errors.defaultModel}
          note={overrideNote(view, 'defaultModel')}
        />
      </div>
      <NumberGroup
        specs={budgetFields}
        texts={budget.texts}
        onChange={budget.setText}
        errors={section.errors}
        prefix="budget"
      />
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={onSave} />
    </Section>
  );
}
