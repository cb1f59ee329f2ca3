// The engine entry points the service calls, as one small table: the real engine by default; the
// service tests pass a scripted `run` so that cancel and supersede can be pinned independently of
// model speed. Everything else the service needs (tiles, states, sweeps) it calls on the engine.
import { inspectCheckpoint, loadModel, runModel, warmUp, type FileSource, type Model, type ModelInfo } from '../engine';

export interface EngineApi {
  /** Headers only: validates config and weight shapes without reading tensor data. */
  inspect(src: FileSource): Promise<ModelInfo>;
  /** Config + weights + tokenizer; the promise rejects with a one-line CheckpointError. */
  load(src: FileSource): Promise<Model>;
  warmUp(model: Model): void;
  run: typeof runModel;
}

export const realEngine: EngineApi = { inspect: inspectCheckpoint, load: loadModel, warmUp, run: runModel };
