// How a saved secret is sealed: a cipher turns its text into bytes only this machine (or this key file)
// can read back, with the secret's name as associated data so that entries cannot be swapped. The
// desktop app passes the OS keychain's (src/main/electron/safe-storage.ts); the command line and
// `looplab serve` use fileKeyCipher.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-write';

/** Turns a secret's text into bytes only this machine (or this key file) can read back, and back. */
export interface SecretCipher {
  readonly id: string;
  encrypt(plain: string, name: string): Buffer;
  decrypt(data: Buffer, name: string): string;
}

export const OWNER_ONLY = 0o600;

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
