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
        // (the catalogs are read-only after loading, no test sets process.env or mocks a module), so a worker keeps
        // the module graph (mathjs, zod, discord-api-types, the parsed catalogs) across files instead of importing
        // it again for each file.
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/{e2e,hub}/**'],
          pool: 'threads',
          isolate: false,
          // Both cores (vitest's default on 2 cores is one worker: cores - 1), shared with the 'procs' files.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
          // The catalog-wide sweeps (every model x every GPU) take 5-15 s alone and longer beside another file on a
          // loaded machine: a hang guard, not a speed goal (those are in `npm run bench`).
          testTimeout: 60_000,
        },
      },
      {
        // Beside the unit files: CPU-bound files without sub-second deadlines (the entry points as child processes,
        // the Hub stand-in sweeps). Each in its own fresh process: the Hub tests point process.env at their stand-in.
        extends: true,
        test: {
          name: 'procs',
          include: ['test/e2e/processes.test.ts', 'test/hub/hub.property.test.ts', 'test/hub/hub.test.ts'],
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Then alone, one file after another in one process (each file starts and stops its own stand-ins and bots;
        // the Hub one restores process.env): these assert Discord's 3 s acknowledgement, the 1.2 s deferral and
        // gateway heartbeats, which a CPU-bound neighbour on a 2-core machine would starve.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/{e2e,hub}/**/*.test.ts'],
          exclude: ['test/e2e/processes.test.ts', 'test/hub/hub.property.test.ts', 'test/hub/hub.test.ts'],
          pool: 'forks',
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
