// The CLI process: main() on the command line, its result as the exit code (set, not process.exit,
// so output still being written to a pipe is flushed first). Compiled to bin/hybridscope.mjs.
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
