// The CLI process: main() on the command line, its result as the exit code (set, not process.exit,
// so output still being written to a pipe is flushed first). Compiled to bin/hybridscope.mjs.
// Started again as a worker, the same file is the kernels' second thread (node-helper.ts).
import { main } from './main';
import { nodeKernelHelper, serveIfKernelHelper } from './node-helper';

if (!serveIfKernelHelper()) {
  // A reader that stops early (`... --out - | head -c 8`) closes the pipe: stop quietly, as Unix tools
  // do, instead of an unhandled EPIPE with its stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });

  process.exitCode = await main(process.argv.slice(2), undefined, undefined, { spawnHelper: nodeKernelHelper(import.meta.url) });
}
