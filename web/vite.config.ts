import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard, built into dist/web and served by `wh serve` under /ui/. */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/ui/',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
