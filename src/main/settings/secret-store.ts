// API keys and tokens, kept encrypted in the data folder and never in settings.json, the event log or
// anything the UI receives. The desktop app encrypts them with the OS keychain (Electron's
// safeStorage); the command line and `looplab serve` with AES-256-GCM under a random key kept in its
// own owner-only file beside them (secret-cipher.ts).
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { secretHint, secretNameSchema, type SecretStatus } from '../../shared/settings';
import type { HomePaths } from '../home';
import { fileKeyCipher, type SecretCipher } from './secret-cipher';
import { secretFile } from './secret-file';

export interface SecretStore {
  /** Where the secrets are kept, for the person to read. */
  readonly location: string;
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  clear(name: string): void;
  /** What the UI may know: which secrets are set, with their last characters. */
  statuses(): Record<string, SecretStatus>;
  /** Every secret's value, for keeping them out of what is recorded. */
  values(): string[];
}

/** A store of secrets in one JSON file of encrypted entries, written atomically and owner-only. */
export function createSecretStore(file: string, cipher: SecretCipher): SecretStore {
  const { read, write } = secretFile(file, cipher.id);
  const get = (name: string): string | undefined => {
    const entry = read().entries[name];
    if (entry === undefined) return undefined;
    try {
      return cipher.decrypt(Buffer.from(entry, 'base64'), name);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'unavailable',
        `The secret ${name} in ${file} cannot be decrypted.`,
        'Set it again in Settings; the key that encrypted it is gone or was changed.',
      );
    }
  };
  return {
    location: file,
    get,
    set(name, value) {
      checkName(name);
      if (value === '' || value.length > 16_384) {
        throw new AppError('invalid_input', `A secret is 1 to 16384 characters; ${name} was ${value.length}.`);
      }
      const contents = read();
      contents.entries[name] = cipher.encrypt(value, name).toString('base64');
      write(contents);
    },
    clear(name) {
      const contents = read();
      if (!(name in contents.entries)) return;
      delete contents.entries[name];
      write(contents);
    },
    statuses: () => statusesOf(Object.keys(read().entries), get),
    values: () => readableValues(() => Object.keys(read().entries), get),
  };
}

function checkName(name: string): void {
  const checked = secretNameSchema.safeParse(name);
  if (!checked.success)
    throw new AppError('invalid_input', `Bad secret name '${name}': ${checked.error.issues[0]?.message}`);
}

/** Each secret as set, with its last characters, or a note where it cannot be decrypted. */
function statusesOf(names: string[], get: (name: string) => string | undefined): Record<string, SecretStatus> {
  const result: Record<string, SecretStatus> = {};
  for (const name of names) {
    let hint: string;
    try {
      hint = secretHint(get(name) ?? '');
    } catch {
      hint = 'cannot be read';
    }
    result[name] = { set: true, hint };
  }
  return result;
}

/** The values that can be read; one that cannot is given to no run, so it cannot leak from one either. */
function readableValues(names: () => string[], get: (name: string) => string | undefined): string[] {
  let listed: string[];
  try {
    listed = names();
  } catch {
    // An unreadable store holds nothing a run could be given, so nothing of it can leak either.
    return [];
  }
  return listed.flatMap((name) => {
    try {
      const value = get(name);
      return value === undefined ? [] : [value];
    } catch {
      return [];
    }
  });
}

/** The store the command line and `looplab serve` use: an encrypted file and its key file. */
export function headlessSecretStore(paths: HomePaths): SecretStore {
  return createSecretStore(join(paths.root, 'secrets.json'), fileKeyCipher(join(paths.root, 'secrets.key')));
}

/** The desktop app's store: entries encrypted by the OS keychain, in a file of their own. */
export function keychainSecretStore(paths: HomePaths, cipher: SecretCipher): SecretStore {
  return createSecretStore(join(paths.root, 'secrets-keychain.json'), cipher);
}
