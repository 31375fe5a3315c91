// @vitest-environment happy-dom
// Code in a language not loaded yet shows at once as plain text, then highlighted once the language
// has loaded; code in a language highlight.js is not given for stays plain and waits for nothing.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CodeBlock } from './code-block';
import { whenLoaded } from './when-loaded';

afterEach(cleanup);

describe('CodeBlock', () => {
  it('shows the code plain while its language loads, then highlighted', async () => {
    const { container } = render(<CodeBlock code={'epochs: 3\nlr: 0.01'} language="yaml" />);
    const code = container.querySelector('code.language-yaml')!;
    expect(code.textContent).toBe('epochs: 3\nlr: 0.01');
    expect(code.getAttribute('aria-busy')).toBe('true');
    expect(code.querySelector('span')).toBeNull();
    await whenLoaded();
    expect(code.textContent).toBe('epochs: 3\nlr: 0.01');
    expect([...code.querySelectorAll('.hljs-attr')].map((node) => node.textContent)).toEqual(['epochs:', 'lr:']);
  });

  it('leaves code in a language it does not know plain, with nothing to wait for', () => {
    const { container } = render(<CodeBlock code="SELECT 1;" language="sql" />);
    const code = container.querySelector('code.language-sql')!;
    expect(code.textContent).toBe('SELECT 1;');
    expect(code.hasAttribute('aria-busy')).toBe(false);
  });
});
