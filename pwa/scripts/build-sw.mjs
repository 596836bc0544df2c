// Builds dist/sw.js after `vite build`: bundles src/sw/sw.ts (with Workbox) into one classic
// script, then lets Workbox's injectManifest write the precache list of dist/ into it.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { injectManifest } from 'workbox-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundleDir = `${root}node_modules/.cache/motcua-sw`;

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  // Workbox strips its development logging when NODE_ENV is production.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: bundleDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: {
      entry: `${root}src/sw/sw.ts`,
      formats: ['iife'],
      name: 'motcuaServiceWorker',
      fileName: () => 'sw.js',
    },
  },
});

const { count, size, warnings } = await injectManifest({
  swSrc: `${bundleDir}/sw.js`,
  swDest: `${root}dist/sw.js`,
  globDirectory: `${root}dist`,
  globPatterns: ['index.html', 'manifest.webmanifest', 'assets/**/*.{js,css}', 'icons/*.{png,svg}'],
  // Hashed file names already change with their content.
  dontCacheBustURLsMatching: /^assets\//,
});
for (const warning of warnings) console.warn(warning);
console.log(`dist/sw.js precaches ${count} files (${(size / 1024).toFixed(1)} KiB)`);
