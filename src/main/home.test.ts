import { describe, expect, it } from 'vitest';
import { platformDataFolder, resolveHome } from './home';

describe('data folder', () => {
  it('takes --home, then LOOPLAB_HOME, then the platform app-data folder', () => {
    const env = { LOOPLAB_HOME: '/data/looplab', XDG_CONFIG_HOME: '/xdg' };
    expect(resolveHome({ flag: '/flag', env })).toBe('/flag');
    expect(resolveHome({ env })).toBe('/data/looplab');
    expect(resolveHome({ env: { LOOPLAB_HOME: '' }, platform: 'linux', userHome: '/home/ada' })).toBe(
      '/home/ada/.config/Looplab',
    );
  });

  it('matches Electron userData on each platform', () => {
    expect([
      platformDataFolder('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ada'),
      platformDataFolder('linux', {}, '/home/ada'),
      platformDataFolder('darwin', {}, '/Users/ada'),
      platformDataFolder('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada'),
    ]).toEqual([
      '/xdg/Looplab',
      '/home/ada/.config/Looplab',
      '/Users/ada/Library/Application Support/Looplab',
      'C:\\Users\\ada\\AppData\\Roaming\\Looplab',
    ]);
  });
});
