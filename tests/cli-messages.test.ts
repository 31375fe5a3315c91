// What `looplab` says about a wrong option or a model server it cannot use, as a person reads it on the
// terminal: which option or address, what it takes, and the exit status the README gives for bad input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultOllamaModel, startOllamaServer } from './fakes/ollama-server';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
beforeEach(() => (home = makeTempHome()));
afterEach(() => home.remove());

describe('looplab messages', () => {
  it('names the option and what it takes, not the validator’s words', async () => {
    const env = { LOOPLAB_HOME: home.paths.root };
    const fraction = await runCli(['run', '--max-time', '0.001', 'Do it'], { env });
    expect(fraction).toMatchObject({ code: 2, stdout: '' });
    expect(fraction.stderr).toBe('looplab: Invalid --max-time (seconds ≥ 1): "0.001".\n');
    const negative = await runCli(['run', '--max-steps', '-3', 'Do it'], { env });
    expect(negative.code).toBe(2);
    expect(negative.stderr).toBe('looplab: Invalid --max-steps (a whole number ≥ 1): "-3".\n');
  });

  it('says the port is the trouble when OLLAMA_HOST names one that fetch refuses', async () => {
    const result = await runCli(['run', '--model', 'ollama/qwen2.5-coder:7b', 'Do it'], {
      env: { LOOPLAB_HOME: home.paths.root, OLLAMA_HOST: '127.0.0.1:6000' },
    });
    expect(result.stderr).toContain(
      'Ollama at http://127.0.0.1:6000 is on a port that fetch refuses to connect to (one of the ports the Fetch standard reserves for other protocols).\nServe the model on another port (Ollama’s default is 11434) and point the address at it.\n',
    );
    expect(result.stderr).not.toContain('fetch failed');
    expect(result.code).not.toBe(0);
  });

  it('says when --context-length is more than the model takes, and sends what it takes', async () => {
    const server = await startOllamaServer({
      models: [{ ...defaultOllamaModel, contextLength: 8192 }],
      turns: [{ text: ['Done.'] }],
    });
    try {
      const result = await runCli(
        ['run', '--model', 'ollama/qwen2.5-coder:7b', '--context-length', '100000', '--approve', 'deny', 'Say done'],
        { env: { LOOPLAB_HOME: home.paths.root, OLLAMA_HOST: server.url } },
      );
      expect(result.code).toBe(0);
      expect(result.stderr + result.stdout).toContain(
        'A context length of 100,000 tokens was asked for, but ollama/qwen2.5-coder:7b takes at most 8,192: the run uses 8,192.\n',
      );
      const chat = server.requests.find((request) => request.path === '/api/chat')!.body as {
        options: { num_ctx: number };
      };
      expect(chat.options.num_ctx).toBe(8192);
    } finally {
      await server.close();
    }
  });
});
