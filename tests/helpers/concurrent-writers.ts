// Drives the writer processes of tests/fixtures/concurrent-writer.ts: started once, then told to write
// a data folder all at the same moment, round after round.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const WRITER = join(import.meta.dirname, '..', 'fixtures', 'concurrent-writer.ts');

export interface Written {
  runId: string;
  events: number;
  ms: number;
}

class Writer {
  private readonly child: ChildProcess;
  private output = '';
  private stderr = '';
  private waiting: { lines: number; resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private lines = 0;

  constructor(appends: number, batch: number) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WRITER, String(appends), String(batch)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      this.check();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.once('close', (code) => {
      this.waiting?.reject(new Error(`a writer exited (${code}):\n${this.stderr}`));
      this.waiting = undefined;
    });
  }

  private check(): void {
    const lines = this.output.split('\n').slice(0, -1);
    if (this.waiting === undefined || lines.length < this.waiting.lines) return;
    const { resolve, lines: count } = this.waiting;
    this.waiting = undefined;
    resolve(lines[count - 1]!);
  }

  /** The next line the writer prints. */
  next(): Promise<string> {
    this.lines += 1;
    const promise = new Promise<string>((resolve, reject) => (this.waiting = { lines: this.lines, resolve, reject }));
    this.check();
    return promise;
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  stop(): void {
    this.child.stdin!.end();
  }
}

export interface WriterPool {
  /** All writers write the folder at once; resolves with what each wrote, or rejects with a writer's error. */
  writeTogether(home: string): Promise<Written[]>;
  stop(): void;
}

export async function startWriters(count: number, appends: number, batch: number): Promise<WriterPool> {
  const writers = Array.from({ length: count }, () => new Writer(appends, batch));
  await Promise.all(writers.map((writer) => writer.next()));
  return {
    async writeTogether(home) {
      const done = writers.map((writer) => writer.next());
      for (const writer of writers) writer.send(`go ${home}`);
      const lines = await Promise.all(done);
      return lines.map((line) => {
        const match = /^done (\S+) (\d+) ([\d.]+)$/.exec(line);
        if (match === null) throw new Error(`a writer printed: ${line}`);
        return { runId: match[1]!, events: Number(match[2]), ms: Number(match[3]) };
      });
    },
    stop: () => writers.forEach((writer) => writer.stop()),
  };
}
