// Worker entry: register the TypeScript loader in this thread, then load the TypeScript worker (search-worker.ts).
// (A worker's execArgv `--import tsx` does not reach the worker's own main module on Node 20.)
import { register } from 'tsx/esm/api';

register();
await import('./search-worker.ts');
