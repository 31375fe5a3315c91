// The 1M-event data folder of the load bench: finished runs of realistic sizes written through the
// batched append, and the words the bench searches them for. Written in a process of its own, as a
// person's folder is written before the app opens it: what writing a million events leaves in a
// process's memory (a larger RSS, which also makes every process it starts slower to fork) is not the
// app's.
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { ensureHome } from '../src/main/home';
import type { EventStore } from '../src/main/store/event-store';
import { openStore } from '../src/main/store/open-store';
import type { EventDraft } from '../src/shared/events';
import type { TempHome } from '../tests/helpers/temp-home';
import { time } from './report';

export const EVENTS_PER_RUN = 500;
export const queries = ['gradient checkpoint', 'tokenizer', 'macro f1', 'overfit warmup', 'learning rate', 'zebra'];
const vocabulary = (
  'tokenizer gradient checkpoint overfit learning rate warmup epoch batch eval loss accuracy dataset split ' +
  'validation baseline transformer lora adapter quantize sklearn pandas numpy csv parquet tfidf logistic ' +
  'regression precision recall confusion matrix scheduler optimizer adamw dropout embedding attention'
).split(' ');

function sentence(seed: number, words: number): string {
  return Array.from({ length: words }, (_, index) => vocabulary[(seed * 31 + index * 17) % vocabulary.length]).join(
    ' ',
  );
}

/** One step of a run: a model call that asks for a command, and the command's output (~1 KB; 1 in 5,000 over 8 KiB). */
function stepDrafts(run: number, step: number): EventDraft[] {
  const n = run * 1_000 + step;
  const callId = `call_${step}`;
  const command = `python3 train.py --epochs ${step % 7} --lr 0.00${step % 9} # ${sentence(n, 6)}`;
  const lines = n % 5_000 === 0 ? 400 : 12;
  const output = Array.from({ length: lines }, (_, line) => `epoch ${line} ${sentence(n + line, 10)} loss=0.${n % 97}`);
  return [
    { type: 'model.started', payload: { callId: `model_${step}`, model: 'ollama/qwen2.5-coder:7b' } },
    {
      type: 'model.finished',
      payload: {
        callId: `model_${step}`,
        text: `${sentence(n, 40)}. Next I run the training script again with a lower learning rate.`,
        finishReason: 'tool_calls',
        usage: { inputTokens: 1_500 + step * 40, outputTokens: 80, cost: 0 },
        toolCalls: [{ id: callId, name: 'bash', args: { command } }],
      },
    },
    { type: 'tool.started', payload: { callId, tool: 'bash', args: { command } } },
    { type: 'tool.finished', payload: { callId, output: output.join('\n'), isError: false } },
  ];
}

/**
 * Writes `runs` finished runs of EVENTS_PER_RUN events each, one batched append per run, a hundred runs
 * to a commit (an import's pace; a live run commits each of its own batches).
 */
export function fill(home: TempHome, runs: number): { appendMs: number; indexMs: number } {
  const { store, db, close } = openStore(home.paths);
  const start = Date.now() - runs * 60_000;
  const appendMs = time(() => {
    for (let first = 0; first < runs; first += 100)
      db.transaction(() => fillRuns(store, first, Math.min(runs, first + 100), start))();
  });
  // A search first catches the full-text index up on everything appended.
  const indexMs = time(() => store.search('tokenizer'));
  close();
  return { appendMs, indexMs };
}

const filled = z.object({ appendMs: z.number(), indexMs: z.number() });

/** `fill` in a process of its own (this file run as a script). */
export async function fillApart(home: TempHome, runs: number): Promise<{ appendMs: number; indexMs: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, home.paths.root, String(runs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`writing the load bench's data folder failed (exit code ${String(code)})`);
  return filled.parse(JSON.parse(output));
}

function fillRuns(store: EventStore, from: number, to: number, start: number): void {
  for (let run = from; run < to; run++) {
    const created = store.createRun(
      { goal: `Run ${run}: ${sentence(run, 12)}`, model: 'ollama/qwen2.5-coder:7b', origin: 'new' },
      start + run * 60_000,
    );
    const drafts: EventDraft[] = [{ type: 'run.status', payload: { status: 'running' } }];
    for (let step = 0; drafts.length < EVENTS_PER_RUN - 2; step++) drafts.push(...stepDrafts(run, step));
    drafts.push({ type: 'run.status', payload: { status: 'finished' } });
    store.append(created.runId, drafts);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root, runs] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(fill({ paths: ensureHome(root!), remove: () => undefined }, Number(runs))));
}
