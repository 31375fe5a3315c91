// data_inspect on real files the test writes: statistics it must get exactly, malformed CSVs, the
// format checks of SFT, DPO and classification, folders, Parquet, paths outside the workspace, and a
// 1 GB file read as a stream in bounded memory.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appToolContext } from './helpers/app-tool-call';
import { dataInspectTool } from '../src/main/tools/data-inspect';

let workspace: string;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'looplab-data-'));
});

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
});

const context = appToolContext;

function put(path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(workspace, path)), { recursive: true });
  writeFileSync(join(workspace, path), content);
}

/** What the model reads from one call: its output, or the message of the error it threw. */
async function inspect(input: Record<string, unknown>): Promise<string> {
  const tool = dataInspectTool(workspace);
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) return `invalid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`;
  try {
    const result = await tool.run(parsed.data, context);
    return result.isError === true ? `error: ${result.output}` : result.output;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('data_inspect on a CSV', () => {
  it('gives the schema, rows, per-column statistics, label balance, duplicates and a sample', async () => {
    const csv = [
      'text,label,score,id',
      '"good product",pos,4.5,1',
      '"bad, broken",neg,1,2',
      'ok,pos,,3',
      '"good product",pos,4.5,1',
      '"fine, ""really""\nsecond line",neu,3,5',
    ].join('\n');
    put('reviews.csv', `${csv}\n`);
    expect(await inspect({ path: 'reviews.csv', method: 'classification' })).toBe(
      [
        `reviews.csv: CSV, ${Buffer.byteLength(csv) + 1} B, 5 rows, 4 columns`,
        'columns (name: type · statistics):',
        '  text: string · missing 0 · 4 distinct · length 2–26 chars, mean 13',
        '  label: string · missing 0 · 3 distinct · length 3–3 chars, mean 3',
        '  score: float · missing 1 (20.0%) · 3 distinct · min 1, max 4.5, mean 3.25',
        '  id: integer · missing 0 · 4 distinct · min 1, max 5, mean 2.4',
        'label balance (label): pos 3 (60.0%), neg 1 (20.0%), neu 1 (20.0%) · largest/smallest 3',
        'duplicates: 1 exact duplicate row (20.0%); first: row 4 repeats row 1',
        'sample (first 5 rows):',
        '  1  text="good product" label="pos" score="4.5" id="1"',
        '  2  text="bad, broken" label="neg" score="1" id="2"',
        '  3  text="ok" label="pos" score="" id="3"',
        '  4  text="good product" label="pos" score="4.5" id="1"',
        '  5  text="fine, \\"really\\" second line" label="neu" score="3" id="5"',
        'format check (classification: text "text", label "label"): OK, every row has the expected fields.',
      ].join('\n'),
    );
  });

  it('names the lines of ragged rows and of a quote never closed', async () => {
    put('ragged.csv', 'a,b\n1,2\n3\n4,5,6\n7,8\n');
    const ragged = await inspect({ path: 'ragged.csv' });
    expect(ragged).toContain('ragged.csv: CSV, 20 B, 2 rows, 2 columns');
    expect(ragged).toContain(
      [
        'malformed: 2 problems (rows left out of the figures)',
        '  line 3: 1 field where the header has 2 (a missing or extra comma, or an unquoted one inside a value)',
        '  line 4: 3 fields where the header has 2 (a missing or extra comma, or an unquoted one inside a value)',
      ].join('\n'),
    );
    put('unclosed.csv', 'text,label\n"fine",a\n"broken,b\nmore,c\n');
    const unclosed = await inspect({ path: 'unclosed.csv' });
    expect(unclosed.split('\n').slice(0, 2)).toEqual([
      'unclosed.csv: CSV, 37 B, 1 row, 2 columns',
      'READING STOPPED at line 3: a quoted field opened here is never closed; the figures below cover the rows before it.',
    ]);
  });
});

describe('the format check', () => {
  const sft = [
    {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
    },
    {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: '2+2?' },
        { role: 'assistant', content: '4' },
      ],
    },
    {
      messages: [
        { role: 'user', content: 'x' },
        { role: 'bot', content: 'y' },
      ],
    },
    { messages: [{ role: 'user', content: 'only a question' }] },
  ];

  it('accepts SFT conversations and names the rows whose messages are wrong', async () => {
    put(
      'chat.jsonl',
      sft
        .slice(0, 2)
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    expect(await inspect({ path: 'chat.jsonl', method: 'sft' })).toContain(
      'format check (sft: messages): OK, every row has the expected fields.',
    );
    put('bad-chat.jsonl', `${sft.map((row) => JSON.stringify(row)).join('\n')}\n`);
    const output = await inspect({ path: 'bad-chat.jsonl', method: 'sft' });
    expect(output).toContain('bad-chat.jsonl: JSON Lines, ');
    expect(output).toContain('  messages: list · missing 0 · 4 distinct');
    expect(output.split('\n').slice(-3)).toEqual([
      'format check (sft: messages): FAILED, 2 problems:',
      '  row 3 (line 3): messages[1].role is "bot", expected system, user, assistant or tool',
      '  row 4 (line 4): messages has no assistant message to learn from',
    ]);
  });

  it('says which DPO fields a dataset in another format lacks, and which columns it has', async () => {
    put('pairs.jsonl', '{"prompt":"Q1","response":"A1"}\n{"prompt":"Q2","response":"A2"}\n');
    expect((await inspect({ path: 'pairs.jsonl', method: 'dpo' })).split('\n').slice(-2)).toEqual([
      'format check (dpo): FAILED, 1 problem:',
      '  DPO needs "prompt", "chosen" and "rejected" columns; missing: chosen, rejected; the columns are: prompt, response.',
    ]);
    put('dpo.csv', 'prompt,chosen,rejected\nQ1,good,bad\nQ2,,bad\nQ3,same,same\n');
    expect((await inspect({ path: 'dpo.csv', method: 'dpo' })).split('\n').slice(-3)).toEqual([
      'format check (dpo: prompt, chosen, rejected): FAILED, 2 problems:',
      '  row 2 (line 3): chosen is empty',
      '  row 3 (line 4): chosen and rejected are the same, so the pair teaches nothing',
    ]);
  });

  it('checks classification columns by name, and needs two classes', async () => {
    put('tickets.csv', 'body,queue\nRefund,billing\nCrash,billing\n');
    expect((await inspect({ path: 'tickets.csv', method: 'classification' })).split('\n').at(-1)).toBe(
      '  Classification needs a text column and a label column; not found: "text", "label"; the columns are: body, queue. Name them with textColumn and labelColumn.',
    );
    const named = await inspect({
      path: 'tickets.csv',
      method: 'classification',
      textColumn: 'body',
      labelColumn: 'queue',
    });
    expect(named).toContain('label balance (queue): billing 2 (100.0%)');
    expect(named.split('\n').slice(-2)).toEqual([
      'format check (classification: text "body", label "queue"): FAILED, 1 problem:',
      '  only 1 label value: a classifier needs at least two classes',
    ]);
  });
});

describe('data_inspect on other things', () => {
  it('counts a folder of images by extension and by class folder', async () => {
    for (const [name, size] of [
      ['cats/1.jpg', 1000],
      ['cats/2.jpg', 3000],
      ['dogs/1.png', 2048],
      ['README.txt', 10],
    ] as const)
      put(`images/${name}`, Buffer.alloc(size));
    expect(await inspect({ path: 'images/' })).toBe(
      [
        'images/: a folder of 4 files, 5.9 KB',
        'by extension:',
        '  .jpg: 2 files, 3.9 KB',
        '  .png: 1 file, 2 KB',
        '  .txt: 1 file, 10 B',
        'by first-level subfolder (often one per class): cats 2, . 1, dogs 1',
        'some names: README.txt, cats/1.jpg, cats/2.jpg, dogs/1.png',
      ].join('\n'),
    );
  });

  it('says Parquet is inspected with a script in the sandbox, and refuses paths outside the workspace', async () => {
    put('train.parquet', Buffer.from('PAR1....PAR1'));
    expect(await inspect({ path: 'train.parquet' })).toMatch(
      /^error: train\.parquet \(Parquet, 12 B\): data_inspect reads CSV, TSV and JSON Lines, not Parquet\. Inspect it in the sandbox with a script, e\.g\. python3 -c "import pandas as pd; df = pd\.read_parquet\('train\.parquet'\)/,
    );
    expect(await inspect({ path: '../etc/passwd' })).toBe('error: ../etc/passwd is outside the workspace.');
    expect(await inspect({ path: 'missing.csv' })).toBe('error: missing.csv does not exist.');
  });
});

describe('a 1 GB file', () => {
  it('is read as a stream: every row counted, memory growth bounded', async () => {
    const file = join(workspace, 'big.csv');
    const out = createWriteStream(file);
    out.write('id,text,label\n');
    const filler = 'x'.repeat(180);
    let rows = 0;
    let bytes = 0;
    while (bytes < 1024 * 1024 * 1024) {
      const lines: string[] = [];
      for (let index = 0; index < 10_000; index++, rows++) {
        lines.push(`${rows},"row ${rows % 5000} ${filler}",${rows % 3 === 0 ? 'neg' : 'pos'}`);
      }
      const chunk = `${lines.join('\n')}\n`;
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const output = await inspect({ path: 'big.csv', labelColumn: 'label' });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    rmSync(file);

    const negatives = Math.ceil(rows / 3);
    expect(output.split('\n')[0]).toBe(`big.csv: CSV, 1 GB, ${rows.toLocaleString('en-US')} rows, 3 columns`);
    expect(output).toContain(
      `  id: integer · missing 0 · 1,000+ distinct · min 0, max ${(rows - 1).toLocaleString('en-US')}`,
    );
    expect(output).toContain(`label balance (label): pos ${(rows - negatives).toLocaleString('en-US')} (`);
    expect(output).toContain(`neg ${negatives.toLocaleString('en-US')} (`);
    expect(output).toContain('duplicates: none (compared with the first 500,000 distinct rows)');
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  }, 600_000);
});
