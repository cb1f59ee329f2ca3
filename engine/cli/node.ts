// The engine's second public entry, for hosts that run in Node (the CLI, Electron's main and utility
// processes, tests): what only Node can do — read a folder on disk, write a file atomically, tell
// how much memory the process can still get, start the kernels' second thread as a worker. Browser hosts import engine/index.ts alone.
export { checkOutFile, modelFolder, nodeFileSource, nodeFolderSource, readJsonFile, writeOutFile } from './node-files';
export { openAtomicFile, writeFileAtomic, type AtomicFile } from './atomic-write';
export { availableMemory } from './available-memory';
export { nodeKernelHelper, serveIfKernelHelper } from './node-helper';
