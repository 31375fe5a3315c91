// The data folder's disk use: where it is, the database, blobs and workspaces, the free space, and
// the largest runs.
import { formatBytes } from '../../../../shared/format';
import { useRequest } from '../../hooks/use-request';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { Section } from './settings-section';

export function StorageSection() {
  const usage = useRequest('storage.usage', {}).value;
  return (
    <Section title="Data folder" testId="settings-storage">
      {usage.status === 'loading' && <LoadingLine label="Measuring…" />}
      {usage.status === 'error' && <ErrorBox error={usage.error} />}
      {usage.status === 'ready' && (
        <dl className="storage-usage">
          <dt>Folder</dt>
          <dd className="mono" data-testid="storage-home">
            {usage.value.home}
          </dd>
          <dt>Database</dt>
          <dd>{formatBytes(usage.value.databaseBytes)}</dd>
          <dt>Blobs</dt>
          <dd>{formatBytes(usage.value.blobsBytes)}</dd>
          <dt>Run workspaces</dt>
          <dd>{formatBytes(usage.value.workspacesBytes)}</dd>
          <dt>Free on this disk</dt>
          <dd data-testid="storage-free">
            {formatBytes(usage.value.freeBytes)} of {formatBytes(usage.value.totalBytes)}
          </dd>
        </dl>
      )}
      {usage.status === 'ready' && usage.value.runs.length > 0 && (
        <table className="storage-runs" data-testid="storage-runs">
          <caption className="field-label">
            Largest runs (delete one from the run list, or with <code>looplab delete</code>)
          </caption>
          <tbody>
            {usage.value.runs.map((run) => (
              <tr key={run.id} data-testid="storage-run">
                <td className="mono">{run.id}</td>
                <td className="muted">{run.status}</td>
                <td className="run-goal" title={run.goal}>
                  {run.goal}
                </td>
                <td className="num">{formatBytes(run.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
