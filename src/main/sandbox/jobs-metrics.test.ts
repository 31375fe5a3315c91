import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMetricLine } from './jobs-metrics';

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
});
