import { describe, expect, it } from 'vitest';
import { HeadTailBuffer, LineSplitter } from './stream-limits';

describe('line splitter', () => {
  it('joins lines split across chunks, even inside a multi-byte character, and drops overlong ones', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 16);
    const accented = Buffer.from('{"a":"é"}\n');
    splitter.push(accented.subarray(0, 7));
    splitter.push(Buffer.concat([accented.subarray(7), Buffer.from('x'.repeat(20))]));
    splitter.push(Buffer.from('yyy\nshort\n\nlast'));
    splitter.push(Buffer.from('\n'));
    expect(lines).toEqual(['{"a":"é"}', 'short', 'last']);
  });
});

describe('head and tail buffer', () => {
  it('keeps everything under the cap', () => {
    const buffer = new HeadTailBuffer(20);
    buffer.append('hello ');
    buffer.append('world');
    expect(buffer.text()).toBe('hello world');
  });

  it('keeps the first and last halves of a flood and says how much fell between', () => {
    const buffer = new HeadTailBuffer(2 * 1024 * 1024);
    buffer.append('HEAD');
    for (let i = 0; i < 100; i++) buffer.append('x'.repeat(100_000));
    buffer.append('TAIL');
    const text = buffer.text();
    expect(text.startsWith('HEADxxx')).toBe(true);
    expect(text.endsWith('xxxTAIL')).toBe(true);
    expect(text).toContain('\n[… 7,902,856 characters omitted: the first and last 1 MB are kept …]\n');
    expect(text.length).toBeLessThan(2 * 1024 * 1024 + 100);
  });
});
