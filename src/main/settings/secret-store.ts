// API keys and tokens, kept encrypted in the data folder and never in settings.json, the event log or
// anything the UI receives. The desktop app encrypts them with the OS keychain (Electron's
// safeStorage); the command line and `looplab serve` with AES-256-GCM under a random key kept in its
// own owner-only file beside them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { secretHint, secretNameSchema, type SecretStatus } from '../../shared/settings';
import type { HomePaths } from '../home';
import { writeFileAtomic } from './atomic-write';

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

/** Turns a secret's text into bytes only this machine (or this key file) can read back, and back. */
export interface SecretCipher {
  readonly id: string;
  encrypt(plain: string, name: string): Buffer;
  decrypt(data: Buffer, name: string): string;
}

const fileSchema = z.object({
  version: z.literal(1),
  cipher: z.string(),
  entries: z.record(z.string(), z.string()),
});
type SecretFile = z.infer<typeof fileSchema>;

const OWNER_ONLY = 0o600;

/** AES-256-GCM under a random 32-byte key in `keyFile`, made (owner-only) the first time a secret is set. */
export function fileKeyCipher(keyFile: string): SecretCipher {
  let key: Buffer | undefined;
  const load = (create: boolean): Buffer => {
    if (key !== undefined) return key;
    if (existsSync(keyFile)) {
      const bytes = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
      if (bytes.length !== 32) {
        throw new AppError(
          'invalid_input',
          `${keyFile} is not a Looplab secret key.`,
          'Move it away and set the keys again in Settings.',
        );
      }
      return (key = bytes);
    }
    if (!create) {
      throw new AppError(
        'unavailable',
        `The key file ${keyFile} is missing, so the saved secrets cannot be read.`,
        'Set the keys again in Settings (or with environment variables).',
      );
    }
    const made = randomBytes(32);
    writeFileAtomic(keyFile, `${made.toString('base64')}\n`, OWNER_ONLY);
    chmodSync(keyFile, OWNER_ONLY);
    return (key = made);
  };
  return {
    id: 'aes-256-gcm',
    encrypt(plain, name) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', load(true), iv);
      cipher.setAAD(Buffer.from(name, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]);
    },
    decrypt(data, name) {
      const decipher = createDecipheriv('aes-256-gcm', load(false), data.subarray(0, 12));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** A store of secrets in one JSON file of encrypted entries, written atomically and owner-only. */
export function createSecretStore(file: string, cipher: SecretCipher): SecretStore {
  const read = (): SecretFile => {
    if (!existsSync(file)) return { version: 1, cipher: cipher.id, entries: {} };
    let parsed: SecretFile;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new AppError(
        'invalid_input',
        `${file} is not a Looplab secrets file: ${(error as Error).message}`,
        'Move it away and set the keys again in Settings.',
      );
    }
    if (parsed.cipher !== cipher.id) {
      throw new AppError(
        'unavailable',
        `${file} was written with ${parsed.cipher}, which this Looplab cannot read (it uses ${cipher.id}).`,
        'Set the keys again in Settings, or give them as environment variables.',
      );
    }
    return parsed;
  };
  const write = (contents: SecretFile) => {
    writeFileAtomic(file, `${JSON.stringify(contents, null, 2)}\n`, OWNER_ONLY);
    chmodSync(file, OWNER_ONLY);
  };
  const checkName = (name: string) => {
    const checked = secretNameSchema.safeParse(name);
    if (!checked.success)
      throw new AppError('invalid_input', `Bad secret name '${name}': ${checked.error.issues[0]?.message}`);
  };
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
  const values = (): string[] => {
    let names: string[];
    try {
      names = Object.keys(read().entries);
    } catch {
      // An unreadable store holds nothing a run could be given, so nothing of it can leak either.
      return [];
    }
    return names.flatMap((name) => {
      try {
        const value = get(name);
        return value === undefined ? [] : [value];
      } catch {
        return [];
      }
    });
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
    statuses() {
      const result: Record<string, SecretStatus> = {};
      for (const name of Object.keys(read().entries)) {
        let hint: string;
        try {
          hint = secretHint(get(name) ?? '');
        } catch {
          hint = 'cannot be read';
        }
        result[name] = { set: true, hint };
      }
      return result;
    },
    values,
  };
}

/** The store the command line and `looplab serve` use: an encrypted file and its key file. */
export function headlessSecretStore(paths: HomePaths): SecretStore {
  return createSecretStore(join(paths.root, 'secrets.json'), fileKeyCipher(join(paths.root, 'secrets.key')));
}

/** The desktop app's store: entries encrypted by the OS keychain, in a file of their own. */
export function keychainSecretStore(paths: HomePaths, cipher: SecretCipher): SecretStore {
  return createSecretStore(join(paths.root, 'secrets-keychain.json'), cipher);
}
