import { describe, expect, it } from 'vitest';
import { createRedactor, secretsFromEnv, secretsFromEnvNames } from './redact';

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

describe('secrets named by the environment', () => {
  it('takes the values of variables named like keys, tokens and secrets, and no others', () => {
    const env = {
      OPENAI_API_KEY: 'sk-test-0123456789abcdefghij',
      VAULT_TOKEN: 'vault-credential-7f3a9c2e41b8',
      DB_PASSWORD: 'correct-horse-battery',
      MY_SECRET: 'shh-this-is-long-enough',
      TOKENIZERS_PARALLELISM: 'false',
      HOME: '/home/me',
      PATH: '/usr/bin',
    };
    expect(secretsFromEnvNames(env).sort()).toEqual(
      [
        'sk-test-0123456789abcdefghij',
        'vault-credential-7f3a9c2e41b8',
        'correct-horse-battery',
        'shh-this-is-long-enough',
      ].sort(),
    );
  });
});
