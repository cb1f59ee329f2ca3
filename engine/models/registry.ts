// Architecture adapters by config.json `model_type`. A new architecture is one file + one line here.
import type { ArchitectureAdapter } from './adapter';
import { llama } from './llama';
import { falconH1 } from './falcon_h1';
import { bamba, granite } from './granitemoehybrid';
import { jamba } from './jamba';
import { falconMamba, mamba } from './mamba';
import { zamba2 } from './zamba2';
import { mamba2 } from './mamba2';
import { nemotronH } from './nemotron_h';

const ADAPTERS: Record<string, ArchitectureAdapter> = {
  nemotron_h: nemotronH as unknown as ArchitectureAdapter,
  mamba2: mamba2 as unknown as ArchitectureAdapter,
  mamba: mamba as unknown as ArchitectureAdapter,
  llama: llama as unknown as ArchitectureAdapter,
  falcon_mamba: falconMamba as unknown as ArchitectureAdapter,
  granitemoehybrid: granite as unknown as ArchitectureAdapter,
  bamba: bamba as unknown as ArchitectureAdapter,
  falcon_h1: falconH1 as unknown as ArchitectureAdapter,
  zamba2: zamba2 as unknown as ArchitectureAdapter,
  jamba: jamba as unknown as ArchitectureAdapter,
};

export function adapterFor(modelType: string): ArchitectureAdapter | undefined {
  return Object.hasOwn(ADAPTERS, modelType) ? ADAPTERS[modelType] : undefined;
}

export const SUPPORTED_MODEL_TYPES = Object.keys(ADAPTERS);
