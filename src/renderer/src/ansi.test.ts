import { describe, expect, it } from 'vitest';
import { ansiPlain, ansiSegments, paletteColor } from './ansi';

const ESC = '\u001b';

describe('terminal colour codes', () => {
  it('turns SGR colours and decorations into styled segments', () => {
    const text = `${ESC}[32mok${ESC}[0m plain ${ESC}[1;31mFAIL${ESC}[0m ${ESC}[4;3;2mnote${ESC}[0m ${ESC}[9;92mgone${ESC}[0m`;
    expect(ansiSegments(text)).toEqual([
      { text: 'ok', fg: { name: 'green' } },
      { text: ' plain ' },
      { text: 'FAIL', fg: { name: 'red' }, bold: true },
      { text: ' ' },
      { text: 'note', dim: true, italic: true, underline: true },
      { text: ' ' },
      { text: 'gone', fg: { name: 'bright-green' }, strike: true },
    ]);
  });

  it('keeps 256-palette and true colours by value, and backgrounds apart from the text colour', () => {
    const text = `${ESC}[38;5;208mwarm${ESC}[0m ${ESC}[38;2;10;20;30mdeep${ESC}[0m ${ESC}[44;97mbadge${ESC}[0m ${ESC}[38;5;9mnine${ESC}[0m ${ESC}[38;5;240mgrey`;
    expect(ansiSegments(text)).toEqual([
      { text: 'warm', fg: { rgb: '255, 135, 0' } },
      { text: ' ' },
      { text: 'deep', fg: { rgb: '10, 20, 30' } },
      { text: ' ' },
      { text: 'badge', fg: { name: 'bright-white' }, bg: { name: 'blue' } },
      { text: ' ' },
      { text: 'nine', fg: { name: 'bright-red' } },
      { text: ' ' },
      { text: 'grey', fg: { rgb: '88, 88, 88' } },
    ]);
  });

  it('drops cursor moves, window titles and stray escapes, and leaves plain text as one segment', () => {
    expect(ansiSegments(`a${ESC}[2Kb${ESC}[1Ac${ESC}]0;title${String.fromCharCode(7)}d${ESC}`)).toEqual([
      { text: 'abcd' },
    ]);
    expect(ansiSegments('epoch 1\nepoch 2\n')).toEqual([{ text: 'epoch 1\nepoch 2\n' }]);
    expect(ansiSegments('')).toEqual([]);
    expect(ansiPlain(`${ESC}[1;33mwarning:${ESC}[0m disk low`)).toBe('warning: disk low');
  });

  it('maps the palette: named colours, the 6×6×6 cube and the grey ramp', () => {
    expect([0, 7, 8, 15, 16, 21, 231, 232, 255].map(paletteColor)).toEqual([
      { name: 'black' },
      { name: 'white' },
      { name: 'bright-black' },
      { name: 'bright-white' },
      { rgb: '0, 0, 0' },
      { rgb: '0, 0, 255' },
      { rgb: '255, 255, 255' },
      { rgb: '8, 8, 8' },
      { rgb: '238, 238, 238' },
    ]);
  });
});
