import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMetricLine, readMetricLine } from './jobs-metrics';

describe('job metric lines', () => {
  it('reads the series the LoRA starter printed on an H100, line by line', () => {
    // Recorded from resources/starters/lora/train.py, 60 steps of a tiny Llama-style model with LoRA.
    const log = readFileSync(new URL('../../../tests/fixtures/lora-h100.jsonl', import.meta.url), 'utf8');
    const metrics = log.trimEnd().split('\n').map(parseMetricLine);
    expect(metrics.map((metric) => metric?.step)).toEqual([0, 10, 20, 30, 40, 50, 60, 60]);
    expect(metrics.flatMap((metric) => (metric?.values.loss === undefined ? [] : [metric.values.loss]))).toEqual([
      4.9132, 4.1109, 3.7565, 3.5964, 3.5016, 3.4538,
    ]);
    expect(metrics[0]).toEqual({ step: 0, values: { trainable_params: 262144, total_params: 26225152, cuda: 1 } });
  });

  it('keeps the last redraw of a progress line and ignores what is not a metric', () => {
    expect(parseMetricLine('{"step": 1, "loss": 0.9}\r{"step": 2, "loss": 0.5}')).toEqual({
      step: 2,
      values: { loss: 0.5 },
    });
    expect(parseMetricLine('epoch 3 loss 0.2')).toBeUndefined();
    expect(parseMetricLine('{"note": "warming up"}')).toBeUndefined();
    expect(parseMetricLine('{"step": 1.5, "acc": 0.8}')).toEqual({ values: { step: 1.5, acc: 0.8 } });
  });

  // Written as transformers' ProgressCallback prints its logs: str(logs) through tqdm.write, between redraws
  // of the progress bar (carriage returns) when the output is a file.
  const bar = (step: number) => `\r ${step * 5}%|█         | ${step}/20 [00:0${step % 10}<00:03,  5.01it/s]`;
  const trainerLog = [
    `${bar(5)}\r${' '.repeat(60)}\r{'loss': 0.6931, 'grad_norm': 1.2034567594528198, 'learning_rate': 5e-05, 'epoch': 0.5}`,
    "{'eval_loss': 0.6102, 'eval_model_preparation_time': 0.0021, 'eval_runtime': 0.2103, 'eval_samples_per_second': 475.5, 'eval_steps_per_second': 61.82, 'epoch': 1.0}",
    "{'loss': nan, 'grad_norm': inf, 'learning_rate': 4.5e-05, 'epoch': 1.5}",
    "{'train_runtime': 12.3456, 'train_samples_per_second': 24.302, 'train_steps_per_second': 3.038, 'train_loss': 0.5123, 'epoch': 3.0}",
  ];

  it('reads the Hugging Face Trainer’s Python dict lines as metrics, NaN and infinity named apart', () => {
    const [first, evaluation, diverged, summary] = trainerLog.map(parseMetricLine);
    expect(first).toEqual({
      values: { loss: 0.6931, grad_norm: 1.2034567594528198, learning_rate: 5e-5, epoch: 0.5 },
    });
    expect(evaluation?.values).toMatchObject({ eval_loss: 0.6102, eval_steps_per_second: 61.82, epoch: 1 });
    expect(diverged).toEqual({ values: { learning_rate: 4.5e-5, epoch: 1.5 } });
    expect(readMetricLine(trainerLog[2]!)?.nonFinite).toEqual(['loss', 'grad_norm']);
    expect(summary).toEqual({
      values: {
        train_runtime: 12.3456,
        train_samples_per_second: 24.302,
        train_steps_per_second: 3.038,
        train_loss: 0.5123,
        epoch: 3,
      },
    });
    expect(readMetricLine("{'eval_loss': -inf, 'epoch': 2.0}")).toEqual({
      metric: { values: { epoch: 2 } },
      nonFinite: ['eval_loss'],
    });
    expect(readMetricLine("{'loss': nan}")).toEqual({ metric: undefined, nonFinite: ['loss'] });
    expect(parseMetricLine("{'loss': nan}")).toBeUndefined();
  });

  it('takes numbers out of numpy and torch wrappers and leaves words, strings and nesting aside', () => {
    expect(
      parseMetricLine("{'step': 7, 'loss': np.float64(0.25), 'acc': tensor(0.5, device='cuda:0'), 'ok': True}"),
    ).toEqual({ step: 7, values: { loss: 0.25, acc: 0.5 } });
    expect(parseMetricLine("{'run': 'a}b', 'sizes': [1, {'x': 2}], 'lr': 1e-4, 'note': None}")).toEqual({
      values: { lr: 1e-4 },
    });
    expect(readMetricLine('{"step": 3, "loss": NaN, "acc": 0.5}')).toEqual({
      metric: { step: 3, values: { acc: 0.5 } },
      nonFinite: ['loss'],
    });
  });

  it('reads nothing out of what only looks like a dict, and runs nothing', () => {
    for (const line of [
      "{'loss': __import__('os').system('touch /tmp/x')}",
      "{'loss': 0.5",
      "{'loss': 0.5} extra}",
      "{'loss' 0.5}",
      '{loss: 0.5}',
      "{'a': 1}{'b': 2}",
      '{}',
      "{'note': 'warming up'}",
    ])
      expect(parseMetricLine(line), line).toBeUndefined();
  });
});
