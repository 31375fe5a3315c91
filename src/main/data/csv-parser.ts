// A streaming CSV parser (RFC 4180): quoted fields with doubled quotes, delimiters and line breaks
// inside quotes, CRLF or LF. Text arrives in chunks of any size; each record is handed on with the line
// it starts on. Memory stays bounded: a field longer than the cap is an error, not a buffer that grows.
export interface CsvRecord {
  fields: string[];
  /** The physical line (from 1) the record starts on. */
  line: number;
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

export const FIELD_MAX_CHARS = 8 * 1024 * 1024;

export class CsvParser {
  private fields: string[] = [];
  private field = '';
  private quoted = false;
  /** Inside a quoted field; `afterQuote` once its closing quote may have been seen. */
  private inQuotes = false;
  private afterQuote = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private pendingCr = false;
  private readonly delimiter: number;

  constructor(
    private readonly onRecord: (record: CsvRecord) => void,
    delimiter = ',',
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  push(chunk: string): void {
    const delimiter = this.delimiter;
    let start = 0;
    for (let index = 0; index < chunk.length; index++) {
      const code = chunk.charCodeAt(index);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (code === LF) {
          start = index + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (code !== QUOTE && !this.afterQuote) {
          index = this.skipToQuote(chunk, index) - 1;
          continue;
        }
        if (code === QUOTE) {
          this.field += chunk.slice(start, index);
          start = index + 1;
          if (this.afterQuote) {
            // A doubled quote: one literal quote.
            this.field += '"';
            this.afterQuote = false;
          } else this.afterQuote = true;
          continue;
        }
        // The quote before this character closed the field.
        this.inQuotes = false;
        this.afterQuote = false;
      }
      if (code === delimiter) {
        this.endField(chunk.slice(start, index));
        start = index + 1;
      } else if (code === LF || code === CR) {
        this.endField(chunk.slice(start, index));
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        if (code === CR) this.pendingCr = true;
        start = index + 1;
      } else if (code === QUOTE && this.field === '' && start === index && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
        this.quoteLine = this.line;
        start = index + 1;
      } else if (this.quoted) {
        throw new CsvError(
          `line ${this.line}: text after the closing quote of a field (a quote inside a quoted field is written "")`,
          this.line,
        );
      }
    }
    this.field += chunk.slice(start);
    if (this.field.length > FIELD_MAX_CHARS) this.tooLong();
  }

  /** Inside a quoted field: where the next quote is (or the chunk's end), counting the line breaks on the way. */
  private skipToQuote(chunk: string, index: number): number {
    const quote = chunk.indexOf('"', index);
    const end = quote === -1 ? chunk.length : quote;
    for (
      let newline = chunk.indexOf('\n', index);
      newline !== -1 && newline < end;
      newline = chunk.indexOf('\n', newline + 1)
    )
      this.line++;
    return end;
  }

  private tooLong(): never {
    const where = this.inQuotes ? this.quoteLine : this.line;
    throw new CsvError(
      `line ${where}: a field longer than ${FIELD_MAX_CHARS / (1024 * 1024)} MB${this.inQuotes ? ', from a quote opened here that is probably never closed' : ''}`,
      where,
    );
  }

  end(): void {
    if (this.inQuotes && !this.afterQuote) {
      throw new CsvError(`line ${this.quoteLine}: a quoted field opened here is never closed`, this.quoteLine);
    }
    this.inQuotes = false;
    this.afterQuote = false;
    if (this.fields.length > 0 || this.field !== '' || this.quoted) {
      this.endField('');
      this.endRecord();
    }
  }

  private endField(rest: string): void {
    this.fields.push(this.field + rest);
    this.field = '';
    this.quoted = false;
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRecord({ fields, line: this.recordLine });
  }
}
