// The first rows of a CSV preview: quoted fields, doubled quotes, line breaks inside quotes, \r\n.
import { describe, expect, it } from 'vitest';
import { csvRows } from './csv-rows';

describe('csvRows', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and \\r\\n line ends', () => {
    expect(csvRows('id,text\r\n1,"a, ""b""\nc"\r\n2,plain', ',', 10)).toEqual({
      rows: [
        ['id', 'text'],
        ['1', 'a, "b"\nc'],
        ['2', 'plain'],
      ],
      more: false,
    });
  });

  it('stops after the rows asked for, and drops a row cut off by a truncated preview', () => {
    expect(csvRows('a\n1\n2\n3\n', ',', 2)).toEqual({ rows: [['a'], ['1']], more: true });
    expect(csvRows('a\tb\n1\t2\n3\t', '\t', 10, true)).toEqual({
      rows: [
        ['a', 'b'],
        ['1', '2'],
      ],
      more: true,
    });
  });
});
