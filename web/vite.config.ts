import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard, built into dist/web and served by `wh serve` under /ui/. No source maps: they would publish
 * the whole source (1.75 MB) to anyone who can reach the server.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/ui/',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
