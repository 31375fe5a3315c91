// What a pending call will do, in full: the command, the file to write with its content, or an
// edit's lines out (-) and in (+). Long summaries stored as blobs load on request.
import { isBlobRef, type Content } from '../../../shared/events';
import { BlobContent } from './blob-content';

export function ApprovalSummary({ tool, summary }: { tool: string; summary: Content }) {
  if (isBlobRef(summary)) return <BlobContent content={summary} />;
  if (tool !== 'edit') return <pre className="approval-text">{summary}</pre>;
  return (
    <pre className="approval-text">
      {summary.split('\n').map((line, index) => (
        <span key={index} className={diffClass(line)}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function diffClass(line: string): string | undefined {
  if (line.startsWith('- ')) return 'diff-out';
  if (line.startsWith('+ ')) return 'diff-in';
  return undefined;
}
