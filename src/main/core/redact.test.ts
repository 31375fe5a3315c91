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

describe('encoded secrets', () => {
  const secret = 'svc/Hq2vX9+pL4mN8rT1wQ=zK';
  const bytes = Buffer.from(secret, 'utf8');
  const redact = createRedactor([secret]);

  it('redacts the value reversed, in hex, URL-encoded and base64, standard and URL-safe', () => {
    const forms = [
      [...secret].reverse().join(''),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
    ];
    expect(forms.map((form) => redact.text(`a ${form} b`))).toEqual(forms.map(() => 'a [redacted] b'));
  });

  it('finds a base64 secret at each alignment inside a longer encoding, as `echo $KEY | base64` writes it', () => {
    for (const before of ['', 'x', 'xy', 'Authorization: Basic user:']) {
      for (const after of ['', '\n', 'tail']) {
        const encoded = Buffer.from(`${before}${secret}${after}`).toString('base64');
        const shown = redact.text(encoded);
        expect(shown).toContain('[redacted]');
        // What is left around the mark is at most the two characters each side that mix in other bytes.
        expect(shown.replace('[redacted]', '').length).toBeLessThanOrEqual(
          Math.ceil((before.length * 4) / 3) + 2 + Math.ceil((after.length * 4) / 3) + 4,
        );
      }
    }
  });

  it('leaves text alone that only looks like base64', () => {
    const other = Buffer.from('an ordinary sentence about nothing secret at all').toString('base64');
    expect(redact.text(other)).toBe(other);
  });
});

describe('settled text of a stream', () => {
  it('holds back only an end that may become a secret or a token', () => {
    const redact = createRedactor(['correct horse battery staple']);
    expect(redact.settled('Thinking')).toBe('Thinking'.length);
    expect(redact.settled('the key is sk-ant-api03-abc')).toBe('the key is '.length);
    expect(redact.settled('the key is s')).toBe('the key is '.length);
    expect(redact.settled('id=x-ghp_abc')).toBe('id=x-'.length);
    expect(redact.settled('say correct horse')).toBe('say '.length);
    expect(redact.settled('token=corr')).toBe('token='.length);
    expect(redact.settled('say correct horse battery staple and')).toBe('say correct horse battery staple and'.length);
    expect(redact.settled('ok -----BEGIN PRIVATE KEY-----\nMIIE\n')).toBe('ok '.length);
    expect(redact.settled('ok ----')).toBe('ok '.length);
  });
});
