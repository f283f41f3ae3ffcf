// Run the Hub stand-in by hand:  npx tsx test/fake-hub/serve.ts [port]
// then:  HF_ENDPOINT=http://127.0.0.1:<port> npm run ask -- '/size model:acme-labs/Llama-3.1-8B-Hub-Test gpu:h100'
import { seedFixtureRepos, seedRepos } from './repos.ts';
import { FakeHub } from './server.ts';

const hub = await FakeHub.start(Number(process.argv[2] ?? 0));
const repos = seedRepos(hub);
const fixtures = seedFixtureRepos(hub);
console.log(`Hub stand-in at ${hub.endpoint} (CDN ${hub.cdn}); token for gated repos: ${hub.token}`);
console.log(`  export HF_ENDPOINT=${hub.endpoint}`);
for (const r of Object.values(repos)) console.log(`  ${r.id}${r.storedBytes ? `  (${r.storedBytes} bytes stored)` : ''}`);
console.log(`  + ${fixtures.length} fixture repos: fixtures/<org>__<name>, e.g. ${fixtures[0]?.id}`);
process.on('SIGINT', () => void hub.close().then(() => process.exit(0)));
