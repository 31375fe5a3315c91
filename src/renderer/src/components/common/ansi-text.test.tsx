// @vitest-environment happy-dom
// Coloured output as a person sees it, live or recorded: spans with theme classes, and markup in the
// text stays text.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AnsiText } from './ansi-text';
import { BlobContent } from './blob-content';

afterEach(cleanup);

describe('AnsiText', () => {
  it('renders colours as classed spans and never as HTML', () => {
    const { container } = render(
      <pre>
        <AnsiText text={'\u001b[1;31mFAIL\u001b[0m <img src=x onerror=alert(1)> \u001b[38;2;1;2;3mdeep\u001b[0m'} />
      </pre>,
    );
    const spans = [...container.querySelectorAll('span')].map((span) => [
      span.className,
      span.getAttribute('style'),
      span.textContent,
    ]);
    expect(spans).toEqual([
      ['ansi-fg-red ansi-bold', null, 'FAIL'],
      ['ansi-fg-rgb', '--ansi-fg: rgb(1, 2, 3);', 'deep'],
    ]);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('FAIL <img src=x onerror=alert(1)> deep');
  });

  it('shows a recorded tool output in the colours it was printed in, and plain text as it is', () => {
    const coloured = render(
      <BlobContent label="output" content={'\u001b[32mPASSED\u001b[0m 3 tests\n[exit code 0]'} />,
    );
    const span = coloured.container.querySelector('pre span');
    expect([span?.className, span?.textContent]).toEqual(['ansi-fg-green', 'PASSED']);
    expect(coloured.container.querySelector('pre')?.textContent).toBe('PASSED 3 tests\n[exit code 0]');
    cleanup();
    const plain = render(<BlobContent label="output" content="no colours here" />);
    expect(plain.container.querySelector('pre')?.innerHTML).toBe('no colours here');
  });
});
