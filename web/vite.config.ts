/**
 * The dashboard's build: `vite build --config web/vite.config.ts` → web/dist, served by src/server/web.ts.
 * The app imports the pure core from ../src/core, so the browser runs the same code as the CLI and the server.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // The evidence importer's Web Worker (src/import-in-worker.ts) as an ES module, like the page.
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The page runs under a CSP without 'unsafe-inline': no inline scripts or styles in index.html.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/log': 'http://127.0.0.1:8080' } },
});
