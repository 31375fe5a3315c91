// The ways a known secret can be written without being written plainly: reversed, hex, URL-encoded and
// base64 (standard and URL-safe, whole or inside a longer encoding). A model or a program that prints
// `echo $KEY | base64` would otherwise carry the key past a redactor that looks for the value alone.
// Computed once per run: the redactor then only searches for fixed strings.

/** Forms shorter than this are not searched for: they would match ordinary text. */
export const MIN_FORM_LENGTH = 12;

/**
 * Every form of `secret` worth searching for, the plain value first. Base64 is searched for whole
 * (with and without padding) and at each of the three byte alignments it can have inside a longer
 * encoding (`echo $KEY | base64` encodes the key and a newline): there only the characters that depend
 * on the secret's bytes alone are searched for, so the one or two characters at each edge, which mix in
 * the neighbouring bytes, may remain (at most 4 bits of the secret each).
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const standard = bytes.toString('base64');
  const forms = [
    secret,
    [...secret].reverse().join(''),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    standard,
    standard.replace(/=+$/, ''),
    bytes.toString('base64url'),
    ...urlEncodings(secret),
    ...[0, 1, 2].flatMap((offset) => {
      const core = alignedBase64(bytes, offset);
      return [core, toUrlSafe(core)];
    }),
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_FORM_LENGTH);
}

function toUrlSafe(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_');
}

/** Percent-encoded as URLs and forms write it, with upper- and lower-case escapes. */
function urlEncodings(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  if (encoded === secret) return [];
  const lower = encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return [encoded, lower, encoded.replaceAll('%20', '+')];
}

/**
 * The base64 characters that encode `bytes` alone when `offset` (0, 1 or 2) other bytes precede them in
 * their 3-byte group: the characters touching a neighbouring byte are left out.
 */
function alignedBase64(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  // Character i covers bits [6i, 6i + 6) of the padded bytes.
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(first, end);
}
