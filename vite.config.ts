import { defineConfig } from 'vitest/config'

/**
 * One config for the client build (Vite) and the test runner (Vitest).
 * The client lives in `client/`; its build lands in `dist/client`, which the server serves.
 */
export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
  },
  resolve: {
    // Two copies of yjs in one bundle break CRDT identity checks (instanceof). Force one.
    dedupe: ['yjs', 'y-protocols', 'lib0', 'prosemirror-model', 'prosemirror-state', 'prosemirror-view'],
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      '/collab': { target: `ws://127.0.0.1:${process.env.PORT ?? 1234}`, ws: true },
      '/api': `http://127.0.0.1:${process.env.PORT ?? 1234}`,
      '/healthz': `http://127.0.0.1:${process.env.PORT ?? 1234}`,
    },
  },
  test: {
    root: '.',
    include: ['{shared,server,client}/**/*.test.ts', 'tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    // Polled assertions wait on real servers, sockets and Chromium on two shared cores: Vitest's
    // one second has failed CI on work that arrived in two.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
    // Tests start real servers and browsers; two cores do not fit more than two files at once.
    maxWorkers: 2,
    fileParallelism: true,
  },
})
