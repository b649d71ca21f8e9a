import preact from '@preact/preset-vite';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** The dashboard's budget: all of its JavaScript, gzipped. */
const JS_BUDGET_BYTES = 200 * 1024;

/** Prints the gzipped size of all JavaScript in the build, and fails it when over budget. */
function bundleBudget(): Plugin {
  return {
    name: 'uptime-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let gzipped = 0;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk') gzipped += gzipSync(chunk.code, { level: 9 }).length;
      }
      const kb = (gzipped / 1024).toFixed(1);
      this.info(`dashboard JavaScript: ${kb} KB gzipped (budget ${JS_BUDGET_BYTES / 1024} KB)`);
      if (gzipped > JS_BUDGET_BYTES) this.error(`JavaScript is ${kb} KB gzipped, over the budget`);
    },
  };
}

export default defineConfig({
  plugins: [preact({ prerender: { enabled: false }, devToolsEnabled: false }), bundleBudget()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // Plain <link>: the dashboard's CSP allows no inline scripts.
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev:web` against a service on :3000.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/status': 'http://127.0.0.1:3000',
      '/badge': 'http://127.0.0.1:3000',
    },
  },
});
