// The sandbox every new run's commands get: CPUs, memory, processes, and what the network lets them reach.
import { useState } from 'react';
import type { SettingsView } from '../../../../shared/settings';
import { cpusRule, memoryMbRule, pidsRule } from '../../number-rules';
import { NumberGroup, useNumberGroup, type NumberSpecs } from './number-group';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

const limitFields: NumberSpecs<'cpus' | 'memoryMb' | 'pids'> = {
  cpus: { label: 'CPUs', testId: 'sandbox-cpus', rule: cpusRule, placeholder: '2' },
  memoryMb: { label: 'Memory', testId: 'sandbox-memory', rule: memoryMbRule, unit: 'MB', placeholder: '4096' },
  pids: { label: 'Processes', testId: 'sandbox-pids', rule: pidsRule, placeholder: '256' },
};

type Network = SettingsView['settings']['sandbox']['network'];

export function SandboxSection({ view, save }: SectionProps) {
  const { sandbox } = view.settings;
  const limits = useNumberGroup(limitFields, sandbox);
  const [network, setNetwork] = useState(sandbox.network);
  const section = useSectionSave(save);

  function onSave(): void {
    const read = limits.read();
    if (!read.ok) return section.reject(read.errors, 'sandbox');
    void section.run({ sandbox: { ...read.values, network } });
  }

  return (
    <Section title="Sandbox" testId="settings-sandbox">
      <NumberGroup
        specs={limitFields}
        texts={limits.texts}
        onChange={limits.setText}
        errors={section.errors}
        prefix="sandbox"
      />
      <NetworkChoice value={network} onChange={setNetwork} />
      <SaveRow busy={section.busy} saved={section.saved} error={section.error} onSave={onSave} />
    </Section>
  );
}

const networkChoices: { value: Network; testId: string; label: string }[] = [
  { value: 'none', testId: 'network-none', label: 'None: commands reach nothing outside the sandbox' },
  { value: 'full', testId: 'network-full', label: 'Full network access' },
];

function NetworkChoice({ value, onChange }: { value: Network; onChange: (network: Network) => void }) {
  return (
    <fieldset className="form-checks">
      <legend className="field-label">Network for new runs</legend>
      {networkChoices.map((choice) => (
        <label key={choice.value} className="check">
          <input
            type="radio"
            name="sandbox-network"
            data-testid={choice.testId}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
          />
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}
