import { describe, expect, it } from 'vitest';
import { CsvError, CsvParser, type CsvRecord } from './csv-parser';

/** Parses text fed in chunks of `size` characters (1: every boundary a chunk can fall on). */
function parse(text: string, size = text.length || 1, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  const parser = new CsvParser((record) => records.push(record), delimiter);
  for (let start = 0; start < text.length; start += size) parser.push(text.slice(start, start + size));
  parser.end();
  return records;
}

describe('CSV parser', () => {
  const text =
    'id,text,label\r\n1,"Hello, world",a\r\n2,"She said ""hi""\nthen left",b\r\n\r\n3,,"c"\n4,plain "quote" inside,d';
  const expected: CsvRecord[] = [
    { fields: ['id', 'text', 'label'], line: 1 },
    { fields: ['1', 'Hello, world', 'a'], line: 2 },
    { fields: ['2', 'She said "hi"\nthen left', 'b'], line: 3 },
    { fields: ['3', '', 'c'], line: 6 },
    { fields: ['4', 'plain "quote" inside', 'd'], line: 7 },
  ];

  it.each([1, 2, 3, 7, 1000])(
    'reads quoted fields, doubled quotes, embedded newlines and CRLF in chunks of %i',
    (size) => {
      expect(parse(text, size)).toEqual(expected);
    },
  );

  it('keeps empty trailing fields and a last line without a newline, and reads tabs', () => {
    expect(parse('a,b,\n,,\n"x"')).toEqual([
      { fields: ['a', 'b', ''], line: 1 },
      { fields: ['', '', ''], line: 2 },
      { fields: ['x'], line: 3 },
    ]);
    expect(parse('a\tb\n"1\t2"\t3\n', 4, '\t')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1\t2', '3'], line: 2 },
    ]);
  });

  it('names the line of a quote that is never closed', () => {
    const error = (() => {
      try {
        parse('a,b\n1,2\n3,"never closed\n4,5\n6,7\n', 5);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toBe('line 3: a quoted field opened here is never closed');
  });

  it('refuses text after a closing quote, naming the line', () => {
    expect(() => parse('a,b\n"x"y,2\n')).toThrow(
      'line 2: text after the closing quote of a field (a quote inside a quoted field is written "")',
    );
  });
});
