// A write or edit as a reviewer reads it: the path and what kind of change it is, then a unified diff
// (removed lines red, added green, the file's line numbers when known) or the new file highlighted.
import { memo } from 'react';
import type { DiffHunk, FileChange } from '../../file-changes';
import { languageForPath } from '../../highlight';
import { CodeBlock, HighlightedCode } from './code-block';

/** Diffs longer than this are shown without highlighting, which costs a parse per line. */
const HIGHLIGHT_MAX_LINES = 1500;

export const FileChangeView = memo(function FileChangeView({ change }: { change: FileChange }) {
  const language = languageForPath(change.path);
  return (
    <div className="file-change" data-testid="file-change" data-kind={change.kind}>
      <div className="file-change-head">
        <span className="mono file-change-path">{change.path}</span>
        <FileChangeBadge change={change} />
      </div>
      {change.kind === 'diff' ? (
        <DiffTable change={change} language={language} />
      ) : (
        <CodeBlock code={change.content} language={language} className="content-text file-change-text" />
      )}
    </div>
  );
});

function FileChangeBadge({ change }: { change: FileChange }) {
  if (change.kind === 'new') return <span className="file-change-badge badge-new">new file</span>;
  if (change.kind === 'whole') {
    return <span className="file-change-badge muted">whole file (its earlier text is not in this run’s events)</span>;
  }
  return (
    <span className="file-change-badge">
      <span className="diff-count-in">+{change.added}</span> <span className="diff-count-out">−{change.removed}</span>
      {!change.numbered && <span className="muted"> · where in the file is not known</span>}
      {change.hunks.length === 0 && <span className="muted"> · no change</span>}
    </span>
  );
}

type DiffChange = Extract<FileChange, { kind: 'diff' }>;

function DiffTable({ change, language }: { change: DiffChange; language: string | undefined }) {
  const lines = change.hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0);
  const highlight = lines <= HIGHLIGHT_MAX_LINES ? language : undefined;
  return (
    <div className="file-diff-scroll">
      <table className="file-diff mono" data-testid="file-diff">
        {change.hunks.map((hunk, index) => (
          <DiffHunkRows key={index} hunk={hunk} numbered={change.numbered} language={highlight} />
        ))}
      </table>
    </div>
  );
}

const signs = { context: ' ', added: '+', removed: '-' } as const;

function DiffHunkRows({ hunk, numbered, language }: { hunk: DiffHunk; numbered: boolean; language?: string }) {
  return (
    <tbody>
      {numbered && (
        <tr className="diff-hunk">
          <td colSpan={4}>{hunk.header}</td>
        </tr>
      )}
      {hunk.lines.map((line, index) => (
        <tr key={index} className={`diff-line diff-${line.kind}`} data-kind={line.kind}>
          <td className="diff-num" data-testid="diff-old-line">
            {numbered ? line.oldLine : undefined}
          </td>
          <td className="diff-num" data-testid="diff-new-line">
            {numbered ? line.newLine : undefined}
          </td>
          <td className="diff-sign" aria-hidden>
            {signs[line.kind]}
          </td>
          <td className="diff-code" data-testid="diff-code">
            <HighlightedCode code={line.text} language={language} />
          </td>
        </tr>
      ))}
    </tbody>
  );
}
