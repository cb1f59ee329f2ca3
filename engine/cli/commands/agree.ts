// `hybridscope agree <trace> <reference>`: whether two traces of one model and prompt say the same
// thing (engine/trace/agree.ts) — a PyTorch capture against the engine's own trace, say. Exit 0 when
// they agree within --tol, 1 when they do not (the differences on stderr), 2 on a bad command line.
import { agreeTraces, agreementLine, agrees } from '../../trace/agree';
import { openTrace } from '../../trace/read';
import { UsageError, type Command } from '../command';
import { nodeFileSource } from '../node-files';

export const agreeCommand: Command = {
  name: 'agree',
  summary: 'compare a trace with a reference trace of the same model and prompt: every record array, token and the answer',
  args: ['trace', 'reference'],
  flags: {
    tol: { type: 'string', value: 'X', default: '1e-3', help: 'the largest relative error allowed: max|a-b|/max|b| per record array, |a-b|/max(1,|b|) per log-prob' },
    json: { type: 'boolean', help: 'print the figures as JSON {agree, worst, at, logprob_err, records, arrays, dropped, mismatches}' },
  },
  examples: ['hybridscope agree gpu.hstrace run.hstrace --tol 1e-3'],
  async run({ positionals, values }, io) {
    const tol = Number(values.tol);
    if (!(tol >= 0)) throw new UsageError(`--tol must be a number ≥ 0, got "${String(values.tol)}"`);
    const open = async (path: string) => {
      const { src, file } = await nodeFileSource(path);
      return openTrace(src, file);
    };
    const [a, b] = [await open(positionals[0]), await open(positionals[1])];
    const r = await agreeTraces(a, b);
    const ok = agrees(r, tol);
    if (values.json) {
      io.stdout(JSON.stringify({ agree: ok, worst: r.worst.err, at: r.worst.at, logprob_err: r.logprobErr, records: r.records, arrays: r.arrays, dropped: r.dropped, mismatches: r.mismatches }) + '\n');
    } else {
      io.stdout(`${positionals[0]} vs ${positionals[1]}: ${agreementLine(r, tol)}\n`);
      for (const m of r.mismatches.slice(1)) io.stderr(`  ${m}\n`);
    }
    return ok ? 0 : 1;
  },
};
