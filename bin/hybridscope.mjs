#!/usr/bin/env node
// The `hybridscope` CLI: runs engine/cli/main.ts through tsx, so it works from a clean clone after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
