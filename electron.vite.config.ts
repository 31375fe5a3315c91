// Builds the three Electron targets. The sandboxed preload must be one CommonJS file; the renderer's
// config is shared with `looplab serve`, which builds the same UI for the browser.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { UserConfig } from 'vite';

export function rendererConfig(root: string): UserConfig {
  return {
    root: resolve(root, 'src/renderer'),
    base: './',
    plugins: [react()],
    build: {
      rollupOptions: { input: resolve(root, 'src/renderer/index.html') },
      // A desktop app loads its bundle from disk once; the graph library alone is most of it.
      chunkSizeWarningLimit: 2_000,
    },
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig(process.cwd()),
});
