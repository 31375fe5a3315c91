// A fake Ollama in its own process for the load bench, so that serving eight streams costs the
// measured process nothing. Each run works through STEPS tool calls (write, read, bash in turn), its
// replies streamed in small chunks, then answers without tools. Prints its URL on the first line.
import { startOllamaServer } from '../tests/fakes/ollama-server';
import type { Turn } from '../tests/fakes/script';

const STEPS = Number(process.argv[2] ?? 12);
const words = 'the validation loss keeps falling so I will train for two more epochs and compare macro F1'.split(' ');

function reply(body: Record<string, unknown>): Turn {
  const messages = (body.messages ?? []) as { role: string }[];
  const step = messages.filter((message) => message.role === 'tool').length;
  const text = words.map((word) => `${word} `);
  const usage = { input: 1200 + step * 150, output: 60 };
  if (step >= STEPS) return { text: ['Finished: macro F1 0.83 against 0.79 for the baseline.'], delayMs: 10, usage };
  const file = `notes-${step - (step % 3)}.txt`;
  const calls = [
    { name: 'write', arguments: { path: file, content: `step ${step}\n${'epoch,loss,f1\n1,0.52,0.71\n'.repeat(40)}` } },
    { name: 'read', arguments: { path: file } },
    { name: 'bash', arguments: { command: `wc -l ${file} && echo step ${step}` } },
  ];
  return { text, toolCalls: [calls[step % 3]!], delayMs: 10, usage };
}

const server = await startOllamaServer({ reply });
process.stdout.write(`${server.url}\n`);
