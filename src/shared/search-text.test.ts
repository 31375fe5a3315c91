import { describe, expect, it } from 'vitest';
import { searchText } from './search-text';

describe('search text', () => {
  it('indexes coloured output by its words, without the colour codes', () => {
    const output = '\u001b[1;32mquokka\u001b[0m done\n\u001b[2Kloss 0.3';
    expect(searchText({ type: 'tool.finished', payload: { callId: 'call_1', output, isError: false } })).toBe(
      'quokka done\nloss 0.3',
    );
  });
});
