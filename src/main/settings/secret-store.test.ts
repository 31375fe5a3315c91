import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../../../tests/helpers/temp-home';
import { headlessSecretStore } from './secret-store';

let home: TempHome;
beforeEach(() => (home = makeTempHome()));
afterEach(() => home.remove());

const KEY = 'sk-test-4f9c2a7b1e8d6c3f0a5b9e2d7c4f1a8b';

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the secret store of the command line and looplab serve', () => {
  it('keeps a key encrypted: its bytes appear in no file of the data folder', () => {
    const store = headlessSecretStore(home.paths);
    store.set('endpoint:local', KEY);
    const files = filesUnder(home.paths.root);
    expect(files.map((file) => file.slice(home.paths.root.length + 1)).sort()).toEqual(['secrets.json', 'secrets.key']);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(KEY)), file).toBe(false);
      expect(bytes.includes(Buffer.from(KEY).toString('base64')), file).toBe(false);
      expect(bytes.includes(Buffer.from(KEY.slice(8, 24))), file).toBe(false);
    }
    expect(statSync(join(home.paths.root, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(home.paths.root, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('reads a key back in a new process, tells only its last characters, and forgets it when cleared', () => {
    headlessSecretStore(home.paths).set('endpoint:local', KEY);
    headlessSecretStore(home.paths).set('hf', 'short');
    const store = headlessSecretStore(home.paths);
    expect(store.get('endpoint:local')).toBe(KEY);
    expect(store.statuses()).toEqual({ 'endpoint:local': { set: true, hint: '…1a8b' }, hf: { set: true, hint: '…' } });
    expect(store.values().sort()).toEqual([KEY, 'short'].sort());
    store.clear('endpoint:local');
    expect(headlessSecretStore(home.paths).get('endpoint:local')).toBeUndefined();
    expect(store.statuses()).toEqual({ hf: { set: true, hint: '…' } });
  });

  it('says what to do when the key file is gone or an entry was tampered with', () => {
    const store = headlessSecretStore(home.paths);
    store.set('anthropic', KEY);
    const file = join(home.paths.root, 'secrets.json');
    const contents = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, string> };
    const bytes = Buffer.from(contents.entries.anthropic!, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(file, JSON.stringify({ ...contents, entries: { anthropic: bytes.toString('base64') } }));
    expect(() => headlessSecretStore(home.paths).get('anthropic')).toThrow(
      `The secret anthropic in ${file} cannot be decrypted.`,
    );
    // An entry moved under another name does not decrypt either: the name is part of what is sealed.
    store.set('anthropic', KEY);
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, string> };
    writeFileSync(file, JSON.stringify({ ...sealed, entries: { hf: sealed.entries.anthropic } }));
    expect(() => headlessSecretStore(home.paths).get('hf')).toThrow('cannot be decrypted');

    store.set('anthropic', KEY);
    writeFileSync(join(home.paths.root, 'secrets.key'), 'not a key');
    expect(() => headlessSecretStore(home.paths).get('anthropic')).toThrow('is not a Looplab secret key');
    expect(() => store.set('Bad Name', KEY)).toThrow("Bad secret name 'Bad Name'");
  });
});
