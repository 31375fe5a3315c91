// The redactor runs on every event a run records and on every chunk it streams: its cost on a 1 MB tool
// output with 30 known secrets (each searched for in every encoding), beside the token shapes alone (what
// is left when no secret is known), and the cost of preparing those forms once per run.
import { randomBytes } from 'node:crypto';
import { createRedactor } from '../src/main/core/redact';
import { RedactedStream } from '../src/main/core/redact-stream';
import { report, time } from './report';

const SECRETS = 30;
const OUTPUT_BYTES = 1024 * 1024;
const REPEATS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Log-like lines, with a few of the secrets (plain and encoded) somewhere inside. */
function toolOutput(secrets: readonly string[]): string {
  const lines: string[] = [];
  let size = 0;
  for (let index = 0; size < OUTPUT_BYTES; index++) {
    const secret = secrets[index % secrets.length]!;
    const line =
      index % 997 === 0
        ? `token=${secret} b64=${Buffer.from(secret).toString('base64')}`
        : `step ${index} loss=${(1 / (index + 1)).toFixed(6)} lr=3e-4 grad_norm=${(index % 17) / 7} ok`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

export function benchRedact(): void {
  const secrets = Array.from({ length: SECRETS }, () => randomBytes(24).toString('base64url'));
  const output = toolOutput(secrets);
  const prepare = median(Array.from({ length: REPEATS }, () => time(() => createRedactor(secrets))));
  const redactor = createRedactor(secrets);
  const shapesOnly = createRedactor([]);
  if (redactor.text(output).includes(secrets[0]!)) throw new Error('a secret was left in the output');
  const full = median(Array.from({ length: REPEATS }, () => time(() => redactor.text(output))));
  const shapes = median(Array.from({ length: REPEATS }, () => time(() => shapesOnly.text(output))));
  const streamed = median(
    Array.from({ length: REPEATS }, () =>
      time(() => {
        const stream = new RedactedStream(redactor);
        for (let at = 0; at < output.length; at += 4096) stream.push(output.slice(at, at + 4096));
        stream.flush();
      }),
    ),
  );
  report(
    'redact 1 MB of tool output, 30 secrets in every encoding',
    full,
    'ms',
    {
      label: 'token shapes only',
      value: shapes,
    },
    { target: '≤ 50 ms', met: (value) => value <= 50 },
  );
  report('redact the same 1 MB streamed in 4 KB chunks', streamed, 'ms', { label: 'redacted at once', value: full });
  report('prepare the forms of 30 secrets (once per run)', prepare, 'ms', { label: 'redact 1 MB', value: full });
}
