// What a model (or a person) wrote, as GitHub-flavoured markdown: tables, lists, highlighted code
// fences. A plain line renders at once; anything with markup waits for the markdown renderer
// (markdown-body.tsx, its own chunk), showing the text as written meanwhile.
import { lazy, memo, Suspense } from 'react';

/** Longer text is shown as it is: parsing it would hold up the window. */
export const MARKDOWN_MAX_CHARS = 200_000;

const MarkdownBody = lazy(() => import('./markdown-body'));

/**
 * Text with nothing markdown would change: one line without markup characters, list or heading starts,
 * or autolinks. It renders as the paragraph the parser would give, without parsing (most replies of a
 * long run are such lines, and a parse per reply is what made long transcripts slow to draw).
 */
export function isPlainParagraph(text: string): boolean {
  return (
    text.trim() !== '' &&
    !/[\\`*_[\]#|<>~!&=@\n]|^(?: {4}|\t)|^\s*(?:[-+]|\d+[.)])(?:\s|$)|www\.|[a-z]+:\/\/|mailto:|xmpp:/i.test(text)
  );
}

interface MarkdownTextProps {
  text: string;
  className?: string;
  inline?: boolean;
}

export const MarkdownText = memo(function MarkdownText({
  text,
  className = 'content-text',
  inline,
}: MarkdownTextProps) {
  if (text.length > MARKDOWN_MAX_CHARS) return <pre className={className}>{text}</pre>;
  const Wrapper = inline === true ? 'span' : 'div';
  if (isPlainParagraph(text)) {
    return (
      <Wrapper className={`${className} markdown`} data-testid="markdown">
        {inline === true ? text.trim() : <p>{text.trim()}</p>}
      </Wrapper>
    );
  }
  return (
    <Wrapper className={`${className} markdown`} data-testid="markdown">
      <Suspense
        fallback={
          <span className="markdown-pending" aria-busy="true">
            {text}
          </span>
        }
      >
        <MarkdownBody text={text} inline={inline === true} />
      </Suspense>
    </Wrapper>
  );
});
