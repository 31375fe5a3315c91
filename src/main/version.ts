// The app's version, read from package.json (two folders up from both src/main and out/main).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function appVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    cached = (JSON.parse(raw) as { version?: string }).version ?? '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
