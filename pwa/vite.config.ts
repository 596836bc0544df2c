import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    proxy: { '/api': 'http://localhost:8000' },
  },
  build: {
    target: 'es2022',
    // Every browser that runs the shell (ES2022, service workers) supports modulepreload.
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
