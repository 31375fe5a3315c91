// Code shown highlighted: highlight.js's tokens become React elements (so text is always text), in a
// box like the other full-text boxes of a run. Plain until its language has loaded, then highlighted.
import { memo, useEffect, useMemo, useState, type ReactNode } from 'react';
import { highlightCode, loadLanguage, needsLoading, type HighlightNode } from '../../highlight';

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
  const [, setLoads] = useState(0);
  useEffect(() => {
    if (!needsLoading(language)) return undefined;
    let live = true;
    // A language that cannot load leaves the code plain, as one not known at all does.
    loadLanguage(language!).then(
      () => live && setLoads((count) => count + 1),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [language]);
  const ready = !needsLoading(language);
  const tokens = useMemo(() => (ready ? highlightCode(code, language) : [code]), [code, language, ready]);
  return (
    <code
      className={language === undefined ? undefined : `hljs language-${language}`}
      aria-busy={ready ? undefined : true}
    >
      {toElements(tokens)}
    </code>
  );
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
