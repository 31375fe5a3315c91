// @vitest-environment happy-dom
// The compute targets section as a person uses it: a wrong address, name or cost is named beside its
// field and nothing is saved; a right one is saved as settings.json's target; the fields follow the
// kind; a test's result shows under its target.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LooplabBridge } from '../../../../shared/contract';
import { settingsSchema, type SettingsPatch, type SettingsView } from '../../../../shared/settings';
import type { Target } from '../../../../shared/targets';
import type { SectionResult } from './settings-section';
import { TargetsSection } from './settings-targets';

function viewWith(targets: Target[]): SettingsView {
  return { file: '/home/settings.json', settings: settingsSchema.parse({ targets }), secrets: {}, overrides: {} };
}

function renderSection(targets: Target[] = []) {
  const save = vi.fn<(patch: SettingsPatch) => Promise<SectionResult>>(async () => ({ ok: true }));
  render(<TargetsSection view={viewWith(targets)} save={save} onChanged={() => undefined} />);
  return save;
}

const fill = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

function errorOf(testId: string): string | null {
  const field = screen.getByTestId(testId).closest('label')!;
  return field.querySelector('[data-testid="field-error"]')?.textContent ?? null;
}

let call: ReturnType<typeof vi.fn>;
beforeEach(() => {
  call = vi.fn(async () => ({
    ok: true,
    value: { name: 'gpu-box', kind: 'docker', address: 'ssh://me@gpu-box', reachable: false, problem: 'SSH refused.' },
  }));
  window.api = { call, subscribe: () => () => undefined } as unknown as LooplabBridge;
});
afterEach(() => {
  cleanup();
  delete window.api;
});

describe('TargetsSection', () => {
  it('names each wrong field beside it and saves nothing', () => {
    const save = renderSection();
    expect(screen.getByTestId('targets-empty').textContent).toContain('jobs run on this machine');
    fireEvent.click(screen.getByTestId('target-add'));
    fill('target-name', 'Local');
    fill('target-host', 'gpu-box');
    fill('target-costPerHour', '-2');
    fireEvent.click(screen.getByTestId('target-save'));
    expect(errorOf('target-name')).toBe('a target name: lower-case letters, digits and dashes, starting with a letter');
    expect(errorOf('target-host')).toBe('an engine address: ssh://user@host[:port], or tcp://host:port with tls');
    expect(errorOf('target-costPerHour')).toBe('a number from 0 to 10000');
    expect(save).not.toHaveBeenCalled();
  });

  it('saves a Docker target over SSH with its costs', async () => {
    const save = renderSection();
    fireEvent.click(screen.getByTestId('target-add'));
    fill('target-name', 'gpu-box');
    fill('target-host', 'ssh://me@gpu-box:2222');
    fill('target-identityFile', '~/.ssh/id_ed25519');
    fill('target-costPerHour', '1.5');
    fill('target-costPerGpuHour', '2');
    fill('target-gpus', '4');
    fireEvent.click(screen.getByTestId('target-save'));
    await waitFor(() => expect(screen.queryByTestId('target-form')).toBeNull());
    expect(save).toHaveBeenCalledWith({
      targets: [
        {
          name: 'gpu-box',
          kind: 'docker',
          host: 'ssh://me@gpu-box:2222',
          identityFile: '~/.ssh/id_ed25519',
          gpus: 4,
          costPerHour: 1.5,
          costPerGpuHour: 2,
        },
      ],
    });
  });

  it('asks for TLS files with a tcp:// address, and a Kubernetes image and node labels by their kind', () => {
    const save = renderSection();
    fireEvent.click(screen.getByTestId('target-add'));
    fill('target-host', 'tcp://10.0.0.5:2376');
    expect(screen.getByTestId('target-tlsCa')).toBeTruthy();
    expect(screen.queryByTestId('target-identityFile')).toBeNull();
    fill('target-kind', 'kubernetes');
    expect(screen.queryByTestId('target-host')).toBeNull();
    fill('target-name', 'cluster');
    fill('target-nodeSelector', 'pool');
    fireEvent.click(screen.getByTestId('target-save'));
    expect(errorOf('target-image')).toBe('required');
    expect(errorOf('target-nodeSelector')).toBe('"pool" is not key=value');
    expect(save).not.toHaveBeenCalled();
  });

  it('refuses a name another target has, and shows a test that could not reach the target', async () => {
    renderSection([{ name: 'gpu-box', kind: 'docker', host: 'ssh://me@gpu-box', costPerGpuHour: 2, gpus: 4 }]);
    const row = screen.getAllByTestId('target').find((item) => item.dataset.name === 'gpu-box')!;
    expect(within(row).getByTestId('target-rate').textContent).toBe('$2.00/GPU-hour × 4');
    fireEvent.click(within(row).getByTestId('target-test'));
    await waitFor(() => expect(within(row).getByTestId('target-check-head').textContent).toBe('Not reachable'));
    expect(within(row).getByTestId('target-check-problem').textContent).toBe('SSH refused.');
    expect(call).toHaveBeenCalledWith('targets.check', { name: 'gpu-box' });

    fireEvent.click(screen.getByTestId('target-add'));
    fill('target-name', 'gpu-box');
    fill('target-host', 'ssh://me@other');
    fireEvent.click(screen.getByTestId('target-save'));
    expect(errorOf('target-name')).toBe('gpu-box is taken');
  });
});
