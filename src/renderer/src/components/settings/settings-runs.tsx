// What a new run starts with when the start form (or the command line) does not say: the model, the
// step limit and budgets; and the sandbox every run's commands get: CPUs, memory, processes, network.
import { useState } from 'react';
import { costRule, cpusRule, maxStepsRule, memoryMbRule, pidsRule, tokensRule } from '../../number-rules';
import { numberText, readNumbers } from '../../number-text';
import { Field } from '../common/field';
import { NumberField } from '../common/number-field';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';
import { draftNetwork, NetworkField, networkDraft } from './network-field';

export function RunDefaultsSection({ view, save }: SectionProps) {
  const { settings, overrides } = view;
  const [model, setModel] = useState(settings.defaultModel);
  const [maxSteps, setMaxSteps] = useState(numberText(settings.budget.maxSteps));
  const [tokens, setTokens] = useState(numberText(settings.budget.tokens));
  const [cost, setCost] = useState(numberText(settings.budget.costUsd));
  const section = useSectionSave(save);

  function onSave(): void {
    const budget = readNumbers({
      maxSteps: { text: maxSteps, rule: maxStepsRule },
      tokens: { text: tokens, rule: tokensRule },
      costUsd: { text: cost, rule: costRule },
    });
    if (!budget.ok) return section.reject(budget.errors, 'budget');
    void section.run({ defaultModel: model.trim(), budget: budget.values });
  }

  return (
    <Section title="New runs" testId="settings-defaults">
      <div className="form-row">
        <Field
          label="Default model"
          className="grow"
          error={section.errors.defaultModel}
          note={
            overrides.defaultModel === undefined ? undefined : `${overrides.defaultModel} is set and wins over this.`
          }
        >
          <input
            className="text-input mono"
            data-testid="default-model"
            value={model}
            onChange={(event) => setModel(event.target.value)}
          />
        </Field>
      </div>
      <div className="form-row">
        <NumberField
          label="Max steps"
          testId="default-max-steps"
          rule={maxStepsRule}
          placeholder="50"
          value={maxSteps}
          onChange={setMaxSteps}
          error={section.errors['budget.maxSteps']}
        />
        <NumberField
          label="Token budget"
          testId="default-tokens"
          rule={tokensRule}
          placeholder="no limit"
          value={tokens}
          onChange={setTokens}
          error={section.errors['budget.tokens']}
        />
        <NumberField
          label="Cost budget"
          testId="default-cost"
          rule={costRule}
          unit="USD"
          placeholder="no limit"
          value={cost}
          onChange={setCost}
          error={section.errors['budget.costUsd']}
        />
      </div>
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={onSave} />
    </Section>
  );
}

export function SandboxSection({ view, save }: SectionProps) {
  const { sandbox } = view.settings;
  const [cpus, setCpus] = useState(numberText(sandbox.cpus));
  const [memory, setMemory] = useState(numberText(sandbox.memoryMb));
  const [pids, setPids] = useState(numberText(sandbox.pids));
  const [network, setNetwork] = useState(() => networkDraft(sandbox.network));
  const section = useSectionSave(save);

  function onSave(): void {
    const limits = readNumbers({
      cpus: { text: cpus, rule: cpusRule },
      memoryMb: { text: memory, rule: memoryMbRule },
      pids: { text: pids, rule: pidsRule },
    });
    const chosen = draftNetwork(network);
    if (!limits.ok || !chosen.ok)
      return section.reject(
        { ...(limits.ok ? {} : limits.errors), ...(chosen.ok ? {} : { network: chosen.error }) },
        'sandbox',
      );
    void section.run({ sandbox: { ...limits.values, network: chosen.network } });
  }

  return (
    <Section title="Sandbox" testId="settings-sandbox">
      <div className="form-row">
        <NumberField
          label="CPUs"
          testId="sandbox-cpus"
          rule={cpusRule}
          placeholder="2"
          value={cpus}
          onChange={setCpus}
          error={section.errors['sandbox.cpus']}
        />
        <NumberField
          label="Memory"
          testId="sandbox-memory"
          rule={memoryMbRule}
          unit="MB"
          placeholder="4096"
          value={memory}
          onChange={setMemory}
          error={section.errors['sandbox.memoryMb']}
        />
        <NumberField
          label="Processes"
          testId="sandbox-pids"
          rule={pidsRule}
          placeholder="256"
          value={pids}
          onChange={setPids}
          error={section.errors['sandbox.pids']}
        />
      </div>
      <NetworkField draft={network} onChange={setNetwork} error={networkError(section.errors)} />
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={onSave} />
    </Section>
  );
}

/** The network's error, from this form or from the save (an allow-list entry the settings refused). */
function networkError(errors: Partial<Record<string, string>>): string | undefined {
  const key = Object.keys(errors).find((name) => name === 'sandbox.network' || name.startsWith('sandbox.network.'));
  return key === undefined ? undefined : errors[key];
}
