// The first rows of a CSV or TSV file as cells, for a preview table: quoted fields (with doubled quotes
// and line breaks inside), \r\n or \n line ends. A row cut off by the end of a truncated preview is
// left out.
export interface CsvRows {
  rows: string[][];
  /** Whether the text holds more rows than were read. */
  more: boolean;
}

export function csvRows(text: string, delimiter: string, maxRows: number, truncated = false): CsvRows {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (index < text.length) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      endRow();
      if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), more: true };
    } else field += char;
    index += 1;
  }
  if (!truncated && (field !== '' || row.length > 0)) endRow();
  return { rows, more: truncated };
}
