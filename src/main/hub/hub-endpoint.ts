// Where the Hugging Face Hub is and who asks it: the URL from the person's settings, else HF_ENDPOINT,
// else huggingface.co; a token from HF_TOKEN when one is given (public data needs none).
export const DEFAULT_HUB_URL = 'https://huggingface.co';

export interface HubEndpoint {
  url: string;
  token: string | undefined;
}

export function hubEndpoint(
  settingsUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  savedToken?: string,
): HubEndpoint {
  const chosen = [settingsUrl, env.HF_ENDPOINT].find((value) => value !== undefined && value.trim() !== '');
  const url = (chosen ?? DEFAULT_HUB_URL).trim().replace(/\/+$/, '');
  const token = [env.HF_TOKEN, env.HUGGING_FACE_HUB_TOKEN, savedToken].find(
    (value) => value !== undefined && value !== '',
  );
  return { url, token };
}
