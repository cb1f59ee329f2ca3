// Checkpoint folders for e2e tests that need a tokenizer: a tiny random-weight model (app/test's
// writer) over the bundled word-level tokenizer, written to a temp folder. Random weights answer
// wrongly; tests on these check what is shown, not whether the model recalls.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TINY_HYBRID, tinyCheckpointFiles } from '../../app/test/tiny-checkpoint';
import { repo } from './harness';

const tokenizerDir = resolve(repo, 'assets/tokenizer');

/** A folder `<tmp>/<name>/` holding config.json, model.safetensors and the bundled tokenizer. */
export function tinyModelDir(name: string, overrides: Record<string, unknown> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'hybridscope-e2e-')), name);
  mkdirSync(dir);
  const files = tinyCheckpointFiles({ ...TINY_HYBRID, vocab_size: 268, ...overrides });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  copyFileSync(join(tokenizerDir, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  copyFileSync(join(tokenizerDir, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
  return dir;
}
