// Two test projects: `unit` runs the pure host-side core in Node; `webview`
// runs the Svelte components in jsdom. `npm run test:unit` runs both.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        plugins: [svelte({ configFile: false, compilerOptions: { dev: true } })],
        // Without the browser condition Svelte resolves to its server build and
        // `mount` throws in jsdom.
        resolve: { conditions: ['browser'] },
        test: {
          name: 'webview',
          environment: 'jsdom',
          include: ['webview/test/**/*.test.ts'],
          setupFiles: ['webview/test/setup.ts'],
        },
      },
    ],
  },
});
