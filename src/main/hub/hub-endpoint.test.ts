import { describe, expect, it } from 'vitest';
import { hubEndpoint } from './hub-endpoint';

describe('where the Hub is and who asks it', () => {
  it('takes the URL from settings, else HF_ENDPOINT, else the public hub', () => {
    const env = { HF_ENDPOINT: 'https://mirror.example/' };
    expect(hubEndpoint('http://127.0.0.1:9000/', env).url).toBe('http://127.0.0.1:9000');
    expect(hubEndpoint(undefined, env).url).toBe('https://mirror.example');
    expect(hubEndpoint(undefined, {}).url).toBe('https://huggingface.co');
  });

  it('sends HF_TOKEN when set, else the token saved in settings, else none', () => {
    expect(hubEndpoint(undefined, { HF_TOKEN: 'hf_env' }, 'hf_saved').token).toBe('hf_env');
    expect(hubEndpoint(undefined, {}, 'hf_saved').token).toBe('hf_saved');
    expect(hubEndpoint(undefined, {}).token).toBeUndefined();
  });
});
