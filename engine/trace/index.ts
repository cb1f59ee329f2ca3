// Trace files: a run recorded to a file (FORMAT.md). The writer appends to an injected sink; the
// reader works over a FileSource's range reads.
export { isTrace, isTraceName, TRACE_EXTENSION, TRACE_VERSION } from './format';
export type { TraceEnd, TraceReader, Trace } from './read';
export { openTrace, readTrace } from './read';
export type { TraceHeader, TraceSink, TraceWriter } from './write';
export { traceWriter, writeRunTrace } from './write';
export type { Agreement } from './agree';
export { agreeTraces, agreementLine, agrees, relativeError } from './agree';
