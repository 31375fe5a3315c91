// @vitest-environment happy-dom
// What a model wrote, as a person reads it in an opened timeline row: markdown tables and highlighted
// code fences, and hostile text (HTML, script URLs, images) shown as text and never run or loaded.
import { cleanup, render, screen, within } from '@testing-library/react';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../shared/events';
import { EventRow } from '../run/event-row';
import { isPlainParagraph } from './markdown-text';
import { whenLoaded } from './when-loaded';

afterEach(() => cleanup());

function modelReply(text: string): RunEvent {
  return {
    runId: 'run_md',
    seq: 3,
    time: 1_700_000_000_000,
    type: 'model.finished',
    payload: {
      callId: 'call_m1',
      text,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 20, cost: 0 },
    },
  };
}

/** The reply's text as the opened row shows it, once the markdown renderer has loaded. */
async function renderReply(text: string): Promise<HTMLElement> {
  render(
    <ol>
      <EventRow event={modelReply(text)} focused={false} highlighted />
    </ol>,
  );
  await whenLoaded();
  return screen.getByTestId('markdown');
}

describe('model text in the timeline', () => {
  it('renders a markdown table as a table, and lists as lists', async () => {
    const shown = await renderReply(
      [
        'Results:',
        '',
        '| model | accuracy |',
        '| --- | ---: |',
        '| tree | 0.91 |',
        '| forest | 0.95 |',
        '',
        '- one',
        '- two',
      ].join('\n'),
    );
    const table = within(shown).getByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(rows).toEqual(['modelaccuracy', 'tree0.91', 'forest0.95']);
    expect(
      within(shown)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['one', 'two']);
  });

  it('shows raw HTML as text and creates no script or image', async () => {
    const shown = await renderReply(
      'Done. <script>window.pwned = 1</script>\n\n<img src="x" onerror="window.pwned = 2">\n\n**bold** <b onclick="x()">b</b>',
    );
    expect(shown.querySelector('script, img, b')).toBeNull();
    expect(shown.textContent).toContain('<script>window.pwned = 1</script>');
    expect(shown.textContent).toContain('<img src="x" onerror="window.pwned = 2">');
    expect(within(shown).getByText('bold').tagName).toBe('STRONG');
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('drops script and data links, and opens web links outside the app', async () => {
    const shown = await renderReply(
      '[click me](javascript:alert(1)) [data](data:text/html,hi) [docs](https://example.com/a) ![chart](https://evil.example/p.png)',
    );
    const links = within(shown).getAllByRole('link');
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://example.com/a']);
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toContain('noreferrer');
    expect(shown.textContent).toContain('click me');
    expect(shown.textContent).toContain('[image: chart https://evil.example/p.png]');
    expect(shown.querySelector('img')).toBeNull();
    expect(shown.innerHTML).not.toContain('javascript:');
  });

  it('highlights a python code fence by its tokens', async () => {
    const shown = await renderReply('Run this:\n\n```python\ndef train(x):\n    return "ok"  # done\n```\n');
    const block = shown.querySelector('pre code.language-python');
    expect(block).not.toBeNull();
    expect(block!.textContent).toBe('def train(x):\n    return "ok"  # done');
    const tokens = (scope: string) => [...block!.querySelectorAll(`.hljs-${scope}`)].map((node) => node.textContent);
    expect(tokens('keyword')).toEqual(['def', 'return']);
    expect(tokens('string')).toEqual(['"ok"']);
    expect(tokens('comment')).toEqual(['# done']);
  });

  it('shows the arguments of tool calls as highlighted JSON', async () => {
    render(
      <ol>
        <EventRow
          event={{
            runId: 'run_md',
            seq: 4,
            time: 1_700_000_000_000,
            type: 'tool.started',
            payload: { callId: 'call_t1', tool: 'bash', args: { command: 'ls <dir>' } },
          }}
          focused={false}
          highlighted
        />
      </ol>,
    );
    await whenLoaded();
    const args = document.querySelector('code.language-json')!;
    expect(args.textContent).toBe('{\n  "command": "ls <dir>"\n}');
    expect([...args.querySelectorAll('.hljs-attr')].map((node) => node.textContent)).toEqual(['"command"']);
  });
});

describe('isPlainParagraph', () => {
  it('renders a plain line as the parser would, and leaves anything with markup to the parser', async () => {
    const plain = ['Step 3: running 2 scripts.', 'Done, the loss went from 0.9 to 0.4 (good).'];
    const parsed = [
      'a *b*',
      'see https://x.org',
      'www.example.com',
      'mail me@x.org',
      '1. first',
      '- item',
      '    indented code',
      'a\nb',
      'x &amp; y',
      'a | b',
      '<b>x</b>',
    ];
    expect(plain.filter(isPlainParagraph)).toEqual(plain);
    expect(parsed.filter(isPlainParagraph)).toEqual([]);
    for (const text of plain) {
      const fast = (await renderReply(text)).innerHTML;
      cleanup();
      const { container } = render(<Markdown remarkPlugins={[remarkGfm]}>{text}</Markdown>);
      expect(fast).toBe(container.innerHTML);
      cleanup();
    }
  });
});
