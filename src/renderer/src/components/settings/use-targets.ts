// The compute targets section's state: which target's form is open (or a new one's), each target's last
// test, which one waits for its removal to be confirmed, and the saves that change settings.json.
import { useState } from 'react';
import type { Target } from '../../../../shared/targets';
import type { SettingsPatch } from '../../../../shared/settings';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import type { CheckState } from './target-check-view';
import { readTarget, type DraftErrors, type TargetDraft } from './target-drafts';
import { useSectionSave, type SectionProps } from './settings-section';

/** What is open: nothing, the form for a new target, or the form for the target at `index`. */
export type Editing = { index: number | 'new'; draft: TargetDraft; errors: DraftErrors } | undefined;

export function useTargets(targets: readonly Target[], save: SectionProps['save']) {
  const section = useSectionSave(save);
  const [editing, setEditing] = useState<Editing>(undefined);
  const [checks, setChecks] = useState<Record<string, CheckState>>({});
  const [removing, setRemoving] = useState<string | undefined>(undefined);
  const forget = (name: string) => setChecks(({ [name]: _dropped, ...rest }) => rest);
  const saveTargets = (next: Target[]) => section.run({ targets: next } satisfies SettingsPatch);

  async function test(name: string): Promise<void> {
    setChecks((all) => ({ ...all, [name]: { status: 'busy' } }));
    try {
      const check = await request('targets.check', { name });
      setChecks((all) => ({ ...all, [name]: { status: 'done', check } }));
    } catch (failure) {
      setChecks((all) => ({ ...all, [name]: { status: 'failed', error: toErrorInfo(failure) } }));
    }
  }

  async function saveDraft(): Promise<void> {
    if (editing === undefined) return;
    const others = targets.filter((_, at) => at !== editing.index).map((target) => target.name);
    const read = readTarget(editing.draft, others);
    if (!read.ok) return setEditing({ ...editing, errors: read.errors });
    const next =
      editing.index === 'new'
        ? [...targets, read.target]
        : targets.map((target, at) => (at === editing.index ? read.target : target));
    if (await saveTargets(next)) {
      if (editing.index !== 'new') forget(targets[editing.index]!.name);
      setEditing(undefined);
    }
  }

  async function remove(name: string): Promise<void> {
    if (await saveTargets(targets.filter((target) => target.name !== name))) {
      forget(name);
      setRemoving(undefined);
    }
  }

  return { section, editing, setEditing, checks, removing, setRemoving, test, saveDraft, remove };
}

export type TargetsState = ReturnType<typeof useTargets>;
