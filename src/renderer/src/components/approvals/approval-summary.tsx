// What a pending call will do, in full: a command highlighted, a write or edit as the diff it makes
// to its file (against the file's text earlier in the run when known), anything else as its summary.
// Long summaries stored as blobs load on request.
import { isBlobRef, previewText, type Content } from '../../../../shared/events';
import type { FileBefore } from '../../file-changes';
import { BlobContent } from '../common/blob-content';
import { CodeBlock } from '../common/code-block';
import { ToolCallView } from '../common/tool-call-view';
import { PUBLISH_TOOL } from '../../../../shared/publish';
import { PublishSummary } from './publish-summary';

interface ApprovalSummaryProps {
  tool: string;
  summary: Content;
  /** The call's input, when the run's events hold it. */
  input?: unknown;
  before?: FileBefore;
}

export function ApprovalSummary({ tool, summary, input, before }: ApprovalSummaryProps) {
  if ((tool === 'write' || tool === 'edit') && input !== undefined) {
    const heading = previewText(summary, Infinity).split('\n')[0];
    return (
      <div className="approval-change">
        <p className="approval-heading mono">{heading}</p>
        <ToolCallView tool={tool} args={input} before={before} loadBlobs={false} />
      </div>
    );
  }
  if (tool === PUBLISH_TOOL && !isBlobRef(summary)) return <PublishSummary summary={summary} />;
  if (isBlobRef(summary))
    return <BlobContent content={summary} format={tool === 'bash' ? { language: 'bash' } : 'text'} />;
  if (tool === 'bash') return <CodeBlock code={summary} language="bash" className="approval-text" />;
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
