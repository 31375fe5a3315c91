// The top bar: the product, where its data lives, the search box, and the ways to the benches and settings.
import type { ReactNode } from 'react';
import type { AppInfo } from '../../../../shared/contract';
import type { Loadable } from '../../hooks/loadable';
import { RichText } from '../common/rich-text';

interface AppHeaderProps {
  info: Loadable<AppInfo>;
  children: ReactNode;
  /** Opens the settings screen. */
  onSettings: () => void;
  /** Opens the benches: their leaderboards and runs. */
  onBench: () => void;
}

export function AppHeader({ info, children, onSettings, onBench }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">Looplab</span>
        <HomeInfo info={info} />
      </div>
      {children}
      <span className="app-header-end">
        <button type="button" className="button" data-testid="open-bench" onClick={onBench}>
          Bench
        </button>
        <button type="button" className="button" data-testid="open-settings" onClick={onSettings}>
          Settings
        </button>
      </span>
    </header>
  );
}

function HomeInfo({ info }: { info: Loadable<AppInfo> }) {
  if (info.status === 'loading') return <span className="home-info muted">…</span>;
  if (info.status === 'error') {
    return (
      <span className="home-info home-error" data-testid="error">
        <RichText
          text={info.error.hint === undefined ? info.error.message : `${info.error.message} ${info.error.hint}`}
        />
      </span>
    );
  }
  const { home, version, ui } = info.value;
  return (
    <span className="home-info">
      <span className="home-path mono" data-testid="home-path" title={`Data folder: ${home}`}>
        {home}
      </span>
      <span className="muted">
        v{version}
        {ui === 'web' ? ' · browser' : ''}
      </span>
    </span>
  );
}
