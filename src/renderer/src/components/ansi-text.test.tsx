// @vitest-environment happy-dom
// Coloured output as a person sees it: spans with theme classes, and markup in the text stays text.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AnsiText } from './ansi-text';

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
});
