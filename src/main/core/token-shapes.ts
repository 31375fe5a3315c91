// Strings shaped like well-known API keys and tokens, redacted wherever they appear, known or not; and
// the literal starts of those shapes, for a stream to hold back a word that may become one.
export const tokenShapes: readonly RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{20,}/g, // Anthropic
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g, // OpenAI
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\bgh[pousr]_[A-Za-z0-9]{36,}/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{50,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** What each shape above starts with, at a word boundary. */
export const tokenStarts: readonly string[] = [
  'sk-',
  'hf_',
  ...['p', 'o', 'u', 's', 'r'].map((kind) => `gh${kind}_`),
  'github_pat_',
  ...['a', 'b', 'p', 'r', 's'].map((kind) => `xox${kind}-`),
  'AKIA',
  'AIza',
];

/** A private key block: from its start to its end it is redacted whole. */
export const KEY_BLOCK_START = '-----BEGIN';
export const KEY_BLOCK_END = '-----END';
