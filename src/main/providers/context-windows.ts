// Context windows of remote models whose APIs do not report one (OpenAI's model objects carry none;
// Anthropic's may be null). Matched by name prefix, longest first, so dated snapshots
// (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`) find their family. Checked 2026-11; a server that
// reports a context length always wins over this table.

const knownWindows: Readonly<Record<string, number>> = {
  'gpt-4.1': 1_047_576,
  'gpt-4o': 128_000,
  'gpt-4-turbo': 128_000,
  'gpt-5': 400_000,
  o1: 200_000,
  o3: 200_000,
  'o4-mini': 200_000,
  'gpt-3.5-turbo': 16_385,
  claude: 200_000,
};

/** When nothing says how long the context is: small enough to fit what any current server offers. */
export const fallbackContextLength = 8192;

export function knownContextWindow(model: string): number | undefined {
  const name = model.toLowerCase().split('/').pop() ?? '';
  const prefix = Object.keys(knownWindows)
    .filter((candidate) => name.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : knownWindows[prefix];
}
