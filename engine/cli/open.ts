// A command's model folder, opened: what the checkpoint reader warns about (tensors config.json does
// not use) goes to stderr as `hybridscope: warning: …`, so stdout keeps only the command's result.
import { inspectCheckpoint, loadModel, type ModelInfo } from '../io/checkpoint';
import type { Model } from '../model';
import type { CliIO } from './command';
import { modelFolder } from './node-files';

function warn(io: CliIO, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`hybridscope: warning: ${w}\n`);
}

/** Headers only (`info`). */
export async function inspectFolder(dir: string, io: CliIO): Promise<ModelInfo> {
  const info = await inspectCheckpoint(await modelFolder(dir));
  warn(io, info.warnings);
  return info;
}

/** Config, weights and tokenizer. */
export async function loadFolder(dir: string, io: CliIO): Promise<Model> {
  const model = await loadModel(await modelFolder(dir));
  warn(io, model.warnings);
  return model;
}
