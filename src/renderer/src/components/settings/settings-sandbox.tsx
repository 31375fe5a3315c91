// The sandbox every new run's commands get: CPUs, memory, processes, and what the network lets them reach.
import { useState } from 'react';
import { cpusRule, memoryMbRule, pidsRule } from '../../number-rules';
import { draftNetwork, NetworkField, networkDraft } from './network-field';
import { NumberGroup, useNumberGroup, type NumberSpecs } from './number-group';
import { SaveRow, Section, useSectionSave, type SectionProps } from './settings-section';

const limitFields: NumberSpecs<'cpus' | 'memoryMb' | 'pids'> = {
  cpus: { label: 'CPUs', testId: 'sandbox-cpus', rule: cpusRule, placeholder: '2' },
  memoryMb: { label: 'Memory', testId: 'sandbox-memory', rule: memoryMbRule, unit: 'MB', placeholder: '4096' },
  pids: { label: 'Processes', testId: 'sandbox-pids', rule: pidsRule, placeholder: '256' },
};

export function SandboxSection({ view, save }: SectionProps) {
  const { sandbox } = view.settings;
  const limits = useNumberGroup(limitFields, sandbox);
  const [network, setNetwork] = useState(() => networkDraft(sandbox.network));
  const section = useSectionSave(save);

  function onSave(): void {
    const read = limits.read();
    const chosen = draftNetwork(network);
    if (!read.ok || !chosen.ok)
      return section.reject(
        { ...(read.ok ? {} : read.errors), ...(chosen.ok ? {} : { network: chosen.error }) },
        'sandbox',
      );
    void section.run({ sandbox: { ...read.values, network: chosen.network } });
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
