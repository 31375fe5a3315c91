// Code shown highlighted: highlight.js's tokens become React elements (so text is always text), in a
// box like the other full-text boxes of a run.
import { memo, useMemo, type ReactNode } from 'react';
import { highlightCode, type HighlightNode } from '../../highlight';

interface CodeBlockProps {
  code: string;
  language: string | undefined;
  className?: string;
}

export const CodeBlock = memo(function CodeBlock({ code, language, className = 'content-text' }: CodeBlockProps) {
  return (
    <pre className={`${className} code-block`} data-language={language}>
      <HighlightedCode code={code} language={language} />
    </pre>
  );
});

/** The highlighted tokens of `code`, for a `<pre>` or a diff line to hold. */
export function HighlightedCode({ code, language }: { code: string; language: string | undefined }) {
  const tokens = useMemo(() => highlightCode(code, language), [code, language]);
  return <code className={language === undefined ? undefined : `hljs language-${language}`}>{toElements(tokens)}</code>;
}

export function toElements(nodes: readonly HighlightNode[]): ReactNode[] {
  return nodes.map((node, index) =>
    typeof node === 'string' ? (
      node
    ) : (
      <span key={index} className={node.scope}>
        {toElements(node.children)}
      </span>
    ),
  );
}
