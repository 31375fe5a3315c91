// The desktop app keeps secrets encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet)
// through Electron's safeStorage. Where only Electron's hard-coded fallback key is available (Linux with
// no keyring), it is no better than a file key, so the app uses the encrypted file as the command line does.
import { safeStorage } from 'electron';
import type { HomePaths } from '../home';
import type { SecretCipher } from '../settings/secret-cipher';
import { headlessSecretStore, keychainSecretStore, type SecretStore } from '../settings/secret-store';

const safeStorageCipher: SecretCipher = {
  id: 'electron-safe-storage',
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (data) => safeStorage.decryptString(data),
};

export function desktopSecretStore(paths: HomePaths): SecretStore {
  const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || weak) return headlessSecretStore(paths);
  return keychainSecretStore(paths, safeStorageCipher);
}
