import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests never touch the network: a Hub lookup that is not pointed at the loopback stand-in hits a closed port,
    // and the Hub cache lives in a scratch directory, not the user's ~/.cache.
    env: { HF_ENDPOINT: 'http://127.0.0.1:9', HF_TOKEN: '', HUGGING_FACE_HUB_TOKEN: '', XDG_CACHE_HOME: join(tmpdir(), `headroom-test-cache-${process.pid}`) },
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        // Pure in-process tests (engine, catalogs, parsers, renderers, commands): they share no mutable state
        // (the catalogs are read-only after loading, no test sets process.env or mocks a module), so one worker
        // keeps the module graph (mathjs, zod, discord-api-types, the parsed catalogs) across files instead of
        // importing it again for each of ~35 files.
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/{e2e,hub}/**'],
          pool: 'threads',
          isolate: false,
          // Pure CPU work with no deadlines: both cores (vitest's default on 2 cores is one worker, cores - 1).
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Entry points as processes, servers on loopback ports, and the Hub tests (which point process.env at their
        // stand-in): each file in its own fresh process, as before.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/{e2e,hub}/**/*.test.ts'],
          pool: 'forks',
          // After the unit files, one file at a time: these assert Discord's 3 s acknowledgement and gateway
          // heartbeats, which a CPU-bound neighbour on a 2-core machine would starve.
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
