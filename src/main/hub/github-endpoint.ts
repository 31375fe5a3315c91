// Where GitHub's REST API is and who asks it: the URL from the person's settings (GitHub Enterprise's
// `https://<host>/api/v3`), else GITHUB_API_URL, else api.github.com; the token from GITHUB_TOKEN, else
// the secret `github` saved in settings. Code search needs a token; reading public files does not.
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GitHubEndpoint {
  url: string;
  token: string | undefined;
}

export function githubEndpoint(
  settingsUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  savedToken?: string,
): GitHubEndpoint {
  const chosen = [settingsUrl, env.GITHUB_API_URL].find((value) => value !== undefined && value.trim() !== '');
  const url = (chosen ?? DEFAULT_GITHUB_API_URL).trim().replace(/\/+$/, '');
  const token = [env.GITHUB_TOKEN, savedToken].find((value) => value !== undefined && value.trim() !== '')?.trim();
  return { url, token };
}
