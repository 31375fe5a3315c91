import { describe, expect, it } from 'vitest';
import { createRedactor, secretsFromEnv } from './redact';

describe('redaction', () => {
  const redact = createRedactor(['my-local-server-key-123', 'short']);

  it('replaces known secret values and well-known token shapes', () => {
    const text = [
      'auth: my-local-server-key-123',
      'OPENAI sk-proj-abcdefghijklmnopqrstuvwx1234',
      'anthropic sk-ant-api03-abcdefghijklmnopqrstuvwxyz',
      'hf hf_abcdefghijklmnopqrstuvwxyzABCDEFGH',
      'github ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'aws AKIAABCDEFGHIJKLMNOP',
      'a short word stays short',
    ].join('\n');
    expect(redact.text(text).split('\n')).toEqual([
      'auth: [redacted]',
      'OPENAI [redacted]',
      'anthropic [redacted]',
      'hf [redacted]',
      'github [redacted]',
      'aws [redacted]',
      'a short word stays short',
    ]);
  });

  it('redacts inside structured arguments and leaves other values alone', () => {
    expect(
      redact.value({ command: 'curl -H "Authorization: Bearer my-local-server-key-123"', n: 3, ok: true }),
    ).toEqual({
      command: 'curl -H "Authorization: Bearer [redacted]"',
      n: 3,
      ok: true,
    });
  });

  it('takes the secrets of the environment by name', () => {
    expect(secretsFromEnv({ OPENAI_API_KEY: 'sk-x', HF_TOKEN: '', PATH: '/usr/bin' })).toEqual(['sk-x']);
  });
});
