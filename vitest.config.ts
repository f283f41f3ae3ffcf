import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Tests never touch the network: a Hub lookup that is not pointed at the loopback stand-in hits a closed port,
    // and the Hub cache lives in a scratch directory, not the user's ~/.cache.
    env: { HF_ENDPOINT: 'http://127.0.0.1:9', HF_TOKEN: '', HUGGING_FACE_HUB_TOKEN: '', XDG_CACHE_HOME: join(tmpdir(), `headroom-test-cache-${process.pid}`) },
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
