// Only the store makes blob references. Data given to it (a model's tool arguments, a tool's output,
// an imported run) may hold objects that look like one, `{"$blob": "...", "size": n}`; stored as they
// are, they would be read back as references and name a file. So every object key made of one or more
// `$` and then `blob` gains one `$` on the way in and loses it on the way out: stored, a key spelled
// exactly `$blob` is always the store's own reference, and the data reads back exactly as it was given.

const BLOB_KEY = /^\$+blob$/;

/** The key as stored: `$blob` → `$$blob`, `$$blob` → `$$$blob`, …; any other key as it is. */
export function escapeBlobKey(key: string): string {
  return BLOB_KEY.test(key) ? `$${key}` : key;
}

/** The key as it was given: `$$blob` → `$blob`, …; `$blob` itself (the store's reference) as it is. */
export function unescapeBlobKey(key: string): string {
  return key.startsWith('$$') && BLOB_KEY.test(key) ? key.slice(1) : key;
}

/** Whether a stored object is the store's own blob reference (it has the key `$blob`). */
export function isStoredRef(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, '$blob');
}
