// One file of a run's workspace as a person reads it: a CSV's first rows as a table, JSON pretty,
// code highlighted, other text as it is, images as images (a data: URL, which the page's CSP allows);
// a binary file or one too large to preview says so, with its size.
import { useMemo } from 'react';
import { formatSize } from '../../../../shared/format';
import { extensionOf, type WorkspaceFile } from '../../../../shared/workspace-files';
import { languageForPath } from '../../highlight';
import { CodeBlock } from '../common/code-block';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { csvRows } from './csv-rows';
import { useRequest } from '../../hooks/use-request';

/** Rows of a CSV shown in its preview. */
export const CSV_PREVIEW_ROWS = 200;

interface WorkspacePreviewProps {
  runId: string;
  path: string;
  seq: number;
}

export function WorkspacePreview({ runId, path, seq }: WorkspacePreviewProps) {
  const { value, retry } = useRequest('workspace.file', { runId, path, seq });
  return (
    <div className="ws-preview" data-testid="workspace-preview" data-path={path}>
      <div className="ws-preview-head">
        <span className="mono ws-preview-path">{path}</span>
        {value.status === 'ready' && <span className="muted">{formatSize(value.value.size)}</span>}
      </div>
      {value.status === 'loading' && <LoadingLine label={`Reading ${path}…`} />}
      {value.status === 'error' && <ErrorBox error={value.error} onRetry={retry} />}
      {value.status === 'ready' && <FileBody file={value.value} />}
    </div>
  );
}

function FileBody({ file }: { file: WorkspaceFile }) {
  if (file.kind === 'too-large')
    return (
      <p className="muted ws-preview-note" data-testid="workspace-too-large">
        {`${file.path} is too large to preview (${formatSize(file.size)}); previews show files up to ${formatSize(file.limit)}.`}
      </p>
    );
  if (file.kind === 'binary')
    return <p className="muted ws-preview-note">{`A binary file (${formatSize(file.size)}): no preview.`}</p>;
  if (file.kind === 'image')
    return (
      <div className="ws-image">
        <img src={`data:${file.mime};base64,${file.base64}`} alt={file.path} data-testid="workspace-image" />
      </div>
    );
  return (
    <>
      {file.truncated && (
        <p className="muted ws-preview-note">{`The first ${formatSize(file.text.length)} of ${formatSize(file.size)}.`}</p>
      )}
      <TextBody path={file.path} text={file.text} truncated={file.truncated} />
    </>
  );
}

function TextBody({ path, text, truncated }: { path: string; text: string; truncated: boolean }) {
  const kind = extensionOf(path);
  if (kind === 'csv' || kind === 'tsv')
    return <CsvTable text={text} delimiter={kind === 'csv' ? ',' : '\t'} truncated={truncated} />;
  if (kind === 'json') return <CodeBlock code={prettyJson(text)} language="json" className="content-text ws-code" />;
  return <CodeBlock code={text} language={languageForPath(path)} className="content-text ws-code" />;
}

/** JSON indented by two spaces; text that does not parse is shown as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function CsvTable({ text, delimiter, truncated }: { text: string; delimiter: string; truncated: boolean }) {
  const { rows, more } = useMemo(
    () => csvRows(text, delimiter, CSV_PREVIEW_ROWS + 1, truncated),
    [text, delimiter, truncated],
  );
  const [head, ...body] = rows;
  if (head === undefined) return <p className="muted ws-preview-note">An empty file.</p>;
  return (
    <div className="ws-csv-scroll">
      <table className="ws-csv" data-testid="workspace-csv">
        <thead>
          <tr>
            {head.map((cell, index) => (
              <th key={index}>{cell}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((row, index) => (
            <tr key={index}>
              {row.map((cell, column) => (
                <td key={column}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {more && <p className="muted ws-preview-note">{`The first ${body.length} rows.`}</p>}
    </div>
  );
}
