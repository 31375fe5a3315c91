// Where Ollama listens, read from OLLAMA_HOST the way Ollama itself reads it, so `OLLAMA_HOST=0.0.0.0`
// (a server setting: listen everywhere) or `OLLAMA_HOST=gpu-box` work from the client side too.

const defaultPort = '11434';

export function resolveOllamaHost(value: string | undefined): string {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') return `http://127.0.0.1:${defaultPort}`;
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const url = new URL(explicitScheme ? trimmed : `http://${trimmed.startsWith(':') ? `0.0.0.0${trimmed}` : trimmed}`);
  // Listening on every interface means the local one for a client.
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  // A bare host gets Ollama's port; an explicit scheme without a port keeps that scheme's port.
  const port = url.port || (explicitScheme ? '' : defaultPort);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.hostname}${port ? `:${port}` : ''}${path}`;
}
