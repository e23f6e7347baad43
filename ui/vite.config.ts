import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// Dates in tests are formatted in a fixed zone so that expectations do not depend on the host.
process.env.TZ = 'UTC';

export default defineConfig({
  plugins: [sveltekit(), svelteTesting()],
  // Under Vitest, components must mount in jsdom, so Svelte's browser build is the one to load.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
  build: {
    // Tauri's webviews are recent; nothing needs to be inlined as data: URLs.
    target: 'es2022',
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    restoreMocks: true,
  },
});
