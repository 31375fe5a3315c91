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
      // The home screen's chunk holds React and what the home screen draws; the run view, settings,
      // comparison, markdown, highlighting and charts each load as their own chunk when first shown.
      // A chunk past this size (not minified, as Electron builds it) means something heavy slipped
      // onto a path that did not need it.
      chunkSizeWarningLimit: 1_000,
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
