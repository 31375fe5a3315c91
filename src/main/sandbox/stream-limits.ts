// Bounded buffers for what comes out of the sandbox. A command can print without end and anything in the
// container can write to the agent's stdout, so neither the line splitter nor a command's kept output may
// grow with what arrives: lines are capped, and a command's output keeps its head and its tail.

/** Splits a byte stream into lines; a line longer than `maxLineBytes` is dropped whole, up to its newline. */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes: number,
  ) {}

  push(data: Buffer): void {
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end !== -1; end = data.indexOf(0x0a, start)) {
      this.append(data.subarray(start, end));
      this.emit();
      start = end + 1;
    }
    this.append(data.subarray(start));
  }

  private append(part: Buffer): void {
    if (this.dropping || part.length === 0) return;
    if (this.size + part.length > this.maxLineBytes) {
      this.chunks = [];
      this.size = 0;
      this.dropping = true;
      return;
    }
    this.chunks.push(part);
    this.size += part.length;
  }

  private emit(): void {
    const line = this.dropping ? '' : Buffer.concat(this.chunks, this.size).toString('utf8');
    this.chunks = [];
    this.size = 0;
    this.dropping = false;
    if (line !== '') this.onLine(line);
  }
}

/** Keeps the first and last `maxChars / 2` characters of a command's output, and counts what fell between. */
export class HeadTailBuffer {
  private head = '';
  private tail: string[] = [];
  private tailLength = 0;
  private omitted = 0;
  private readonly half: number;

  constructor(maxChars: number) {
    this.half = Math.floor(maxChars / 2);
  }

  append(text: string): void {
    if (this.head.length < this.half) {
      const room = this.half - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === '') return;
    this.tail.push(text);
    this.tailLength += text.length;
    this.trimTail();
  }

  private trimTail(): void {
    while (this.tailLength > this.half) {
      const first = this.tail[0]!;
      const excess = this.tailLength - this.half;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailLength -= first.length;
        this.omitted += first.length;
      } else {
        this.tail[0] = first.slice(excess);
        this.tailLength -= excess;
        this.omitted += excess;
      }
    }
  }

  text(): string {
    const tail = this.tail.join('');
    if (this.omitted === 0) return this.head + tail;
    const mb = (this.half / 1024 / 1024).toFixed(0);
    return `${this.head}\n[… ${this.omitted.toLocaleString('en-US')} characters omitted: the first and last ${mb} MB are kept …]\n${tail}`;
  }
}
