// What changed in a run's workspace between two steps' snapshots: files added, removed and changed,
// and for the one picked its diff (text) or a note (an image or binary file: both sizes).
import { useState } from 'react';
import { formatSize } from '../../../../shared/format';
import type { WorkspaceChange, WorkspaceFile } from '../../../../shared/workspace-files';
import { diffChange, type FileChange } from '../../file-changes';
import { ErrorBox } from '../common/error-box';
import { FileChangeView } from '../common/file-change-view';
import { LoadingLine } from '../common/loading-line';
import { comparePaths } from './paths';
import { useRequest } from '../../hooks/use-request';

interface WorkspaceChangesProps {
  runId: string;
  from: number;
  to: number;
}

const signs: Record<WorkspaceChange['change'], string> = { added: '+', removed: '−', modified: '~' };

export function WorkspaceChanges({ runId, from, to }: WorkspaceChangesProps) {
  const { value, retry } = useRequest('workspace.diff', { runId, from, to });
  const [picked, setPicked] = useState<WorkspaceChange | undefined>(undefined);
  if (value.status === 'loading') return <LoadingLine label="Comparing the snapshots…" />;
  if (value.status === 'error') return <ErrorBox error={value.error} onRetry={retry} />;
  const changes = [...value.value.changes].sort((a, b) => comparePaths(a.path, b.path));
  return (
    <div className="ws-body" data-testid="workspace-changes">
      <ul className="ws-files" aria-label="Changed files">
        {changes.length === 0 && <li className="muted ws-note">No file changed between these steps.</li>}
        {changes.map((change) => (
          <li key={change.path}>
            <button
              type="button"
              className={`ws-entry ws-file ws-${change.change}${change.path === picked?.path ? ' selected' : ''}`}
              data-testid="workspace-change"
              data-path={change.path}
              data-change={change.change}
              title={change.path}
              onClick={() => setPicked(change)}
            >
              <span className="ws-sign" aria-label={change.change}>
                {signs[change.change]}
              </span>
              <span className="ws-name">{change.path}</span>
              <span className="muted ws-size">{sizes(change)}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="ws-pane">
        {picked === undefined ? (
          <p className="muted ws-note">{changes.length === 0 ? '' : 'Pick a file to see how it changed.'}</p>
        ) : (
          <ChangeDiff key={picked.path} runId={runId} change={picked} from={from} to={to} />
        )}
      </div>
    </div>
  );
}

function sizes(change: WorkspaceChange): string {
  if (change.change === 'added') return formatSize(change.after ?? 0);
  if (change.change === 'removed') return formatSize(change.before ?? 0);
  return `${formatSize(change.before ?? 0)} → ${formatSize(change.after ?? 0)}`;
}

function ChangeDiff({ runId, change, from, to }: { runId: string; change: WorkspaceChange; from: number; to: number }) {
  const before = useRequest(
    'workspace.file',
    change.change === 'added' ? null : { runId, path: change.path, seq: from },
  );
  const after = useRequest(
    'workspace.file',
    change.change === 'removed' ? null : { runId, path: change.path, seq: to },
  );
  if (change.change === 'removed') return <p className="muted ws-note">{`${change.path} was removed.`}</p>;
  for (const side of change.change === 'added' ? [after] : [before, after]) {
    if (side.value.status === 'loading') return <LoadingLine label={`Reading ${change.path}…`} />;
    if (side.value.status === 'error') return <ErrorBox error={side.value.error} onRetry={side.retry} />;
  }
  const old = before.value.status === 'ready' ? before.value.value : undefined;
  const now = after.value.status === 'ready' ? after.value.value : undefined;
  const shown = fileChange(change, old, now);
  if (shown === undefined)
    return (
      <p className="muted ws-note">{`${change.path} changed (${sizes(change)}); only text files are shown as a diff, and only whole.`}</p>
    );
  return <FileChangeView change={shown} />;
}

/** The change as a diff of whole texts, or undefined when either side is not whole text. */
export function fileChange(
  change: WorkspaceChange,
  before: WorkspaceFile | undefined,
  after: WorkspaceFile | undefined,
): FileChange | undefined {
  if (after?.kind !== 'text' || after.truncated) return undefined;
  if (change.change === 'added') return { kind: 'new', path: change.path, content: after.text };
  if (before?.kind !== 'text' || before.truncated) return undefined;
  return diffChange(change.path, before.text, after.text, true);
}
