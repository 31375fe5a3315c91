// What a new run starts with when the start form (or the command line) does not say: the model, the
// step limit and budgets; and the sandbox every run's commands get: CPUs, memory, processes, network.
import { useState } from 'react';
import { numberField, numberText } from '../../settings-form';
import { Field } from '../common/field';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

export function RunDefaultsSection({ view, save }: SectionProps) {
  const { settings, overrides } = view;
  const [model, setModel] = useState(settings.defaultModel);
  const [maxSteps, setMaxSteps] = useState(numberText(settings.budget.maxSteps));
  const [tokens, setTokens] = useState(numberText(settings.budget.tokens));
  const [cost, setCost] = useState(numberText(settings.budget.costUsd));
  const section = useSectionSave(save);

  function onSave(): void {
    const budget = { maxSteps: numberField(maxSteps), tokens: numberField(tokens), costUsd: numberField(cost) };
    void section.run({
      defaultModel: model.trim(),
      budget: Object.fromEntries(Object.entries(budget).filter(([, value]) => value !== undefined)),
    });
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
        <Field label="Max steps" className="narrow" error={section.errors['budget.maxSteps']}>
          <input
            className="text-input"
            data-testid="default-max-steps"
            inputMode="numeric"
            placeholder="50"
            value={maxSteps}
            onChange={(event) => setMaxSteps(event.target.value)}
          />
        </Field>
        <Field label="Token budget" className="narrow" error={section.errors['budget.tokens']}>
          <input
            className="text-input"
            data-testid="default-tokens"
            inputMode="numeric"
            placeholder="no limit"
            value={tokens}
            onChange={(event) => setTokens(event.target.value)}
          />
        </Field>
        <Field label="Cost budget (USD)" className="narrow" error={section.errors['budget.costUsd']}>
          <input
            className="text-input"
            data-testid="default-cost"
            inputMode="decimal"
            placeholder="no limit"
            value={cost}
            onChange={(event) => setCost(event.target.value)}
          />
        </Field>
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
  const [network, setNetwork] = useState(sandbox.network);
  const section = useSectionSave(save);

  function onSave(): void {
    const limits = { cpus: numberField(cpus), memoryMb: numberField(memory), pids: numberField(pids) };
    void section.run({
      sandbox: { ...Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)), network },
    });
  }

  return (
    <Section title="Sandbox" testId="settings-sandbox">
      <div className="form-row">
        <Field label="CPUs" className="narrow" error={section.errors['sandbox.cpus']}>
          <input
            className="text-input"
            data-testid="sandbox-cpus"
            inputMode="decimal"
            placeholder="2"
            value={cpus}
            onChange={(event) => setCpus(event.target.value)}
          />
        </Field>
        <Field label="Memory (MB)" className="narrow" error={section.errors['sandbox.memoryMb']}>
          <input
            className="text-input"
            data-testid="sandbox-memory"
            inputMode="numeric"
            placeholder="4096"
            value={memory}
            onChange={(event) => setMemory(event.target.value)}
          />
        </Field>
        <Field label="Processes" className="narrow" error={section.errors['sandbox.pids']}>
          <input
            className="text-input"
            data-testid="sandbox-pids"
            inputMode="numeric"
            placeholder="256"
            value={pids}
            onChange={(event) => setPids(event.target.value)}
          />
        </Field>
      </div>
      <fieldset className="form-checks">
        <legend className="field-label">Network for new runs</legend>
        <label className="check">
          <input
            type="radio"
            name="sandbox-network"
            data-testid="network-none"
            checked={network === 'none'}
            onChange={() => setNetwork('none')}
          />
          None: commands reach nothing outside the sandbox
        </label>
        <label className="check">
          <input
            type="radio"
            name="sandbox-network"
            data-testid="network-full"
            checked={network === 'full'}
            onChange={() => setNetwork('full')}
          />
          Full network access
        </label>
      </fieldset>
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={onSave} />
    </Section>
  );
}
