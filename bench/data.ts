// data_inspect's reading speed and memory on a 200 MB CSV, beside the floor of reading the same file as
// a stream and counting its lines.
import { createReadStream, createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectTable } from '../src/main/data/inspect-table';
import { report } from './report';

const SIZE_BYTES = 200 * 1024 * 1024;

async function writeCsv(file: string): Promise<number> {
  const out = createWriteStream(file);
  out.write('id,text,label\n');
  const filler = 'x'.repeat(180);
  let bytes = 0;
  let rows = 0;
  while (bytes < SIZE_BYTES) {
    const lines: string[] = [];
    for (let index = 0; index < 10_000; index++, rows++)
      lines.push(`${rows},"row ${rows % 5000} ${filler}",${rows % 3 === 0 ? 'neg' : 'pos'}`);
    const chunk = `${lines.join('\n')}\n`;
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

async function countLinesMs(file: string): Promise<number> {
  const start = performance.now();
  let lines = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
    for (let index = (chunk as string).indexOf('\n'); index !== -1; index = (chunk as string).indexOf('\n', index + 1))
      lines++;
  }
  if (lines === 0) throw new Error('no lines read');
  return performance.now() - start;
}

export async function benchData(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'looplab-bench-data-'));
  try {
    const file = join(folder, 'big.csv');
    const bytes = await writeCsv(file);
    const megabytes = bytes / (1024 * 1024);
    const floorMs = await countLinesMs(file);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const start = performance.now();
    await inspectTable(openSync(file, 'r'), 'csv', { method: 'classification' }, new AbortController().signal);
    const inspectMs = performance.now() - start;
    clearInterval(sampler);
    report('data_inspect, 200 MB CSV with a classification check', megabytes / (inspectMs / 1000), 'MB/s', {
      label: 'streaming the file and counting lines',
      value: megabytes / (floorMs / 1000),
    });
    report(
      'data_inspect memory growth on that file',
      (peak - before) / (1024 * 1024),
      'MB',
      { label: 'the file', value: megabytes },
      { target: '< 200 MB', met: (value) => value < 200 },
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
