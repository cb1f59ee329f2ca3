// The bundled-model catalog: assets/models/manifest.json, read through the injected bundled root
// (Electron: resources/models or assets/models; web: the static `models/` folder; tests: a folder).
// The manifest is an array of entries, or an object with a `models` array and optionally `planned` (ablation
// variants not trained yet, training/cards.py); unknown fields are ignored.
import { utf8Decode, type FileSource } from '../engine';
import { ABLATION_AXES, type AblationAxis, type AblationTag, type CatalogEntry, type PlannedVariant } from './protocol';

export const MANIFEST = 'manifest.json';
const ID = /^[A-Za-z0-9._-]+$/;

/** The catalog, or a one-line error naming the manifest and the problem. A missing manifest is an
 *  empty catalog (a build without bundled models is valid). */
export async function readCatalog(root: FileSource): Promise<CatalogEntry[]> {
  return (await readManifest(root)).models;
}

/** The catalog and the manifest's `planned` variants (ablations not trained yet; none when absent). */
export async function readManifest(root: FileSource): Promise<{ models: CatalogEntry[]; planned: PlannedVariant[] }> {
  if (!(await root.has(MANIFEST))) return { models: [], planned: [] };
  const where = `${root.name}/${MANIFEST}`;
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(await root.read(MANIFEST)));
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const list = Array.isArray(json) ? json : (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(list)) throw new Error(`${where}: expected an array of models or {"models": [...]}`);
  const entries = list.map((raw, i) => entry(raw, `${where}: models[${i}]`));
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.id)) throw new Error(`${where}: model id "${e.id}" appears twice`);
    seen.add(e.id);
  }
  // Unless the manifest names one, the app opens on the hybrid: the first model whose
  // layout mixes SSM and attention blocks, else the first listed.
  if (entries.length > 0 && !entries.some((e) => e.default)) {
    (entries.find((e) => /[mM]/.test(e.layout) && e.layout.includes('*')) ?? entries[0]).default = true;
  }
  const rawPlanned = Array.isArray(json) ? undefined : (json as { planned?: unknown }).planned;
  if (rawPlanned !== undefined && !Array.isArray(rawPlanned)) throw new Error(`${where}: "planned" must be an array`);
  const planned = (rawPlanned ?? []).map((raw, i) => plannedVariant(raw, `${where}: planned[${i}]`));
  for (const p of planned) {
    if (seen.has(p.id)) throw new Error(`${where}: "${p.id}" is both listed and planned, or planned twice`);
    seen.add(p.id);
  }
  return { models: entries, planned };
}

function plannedVariant(raw: unknown, where: string): PlannedVariant {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: expected an object`);
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !ID.test(o.id)) throw new Error(`${where}: "id" must be a folder name (letters, digits, . _ -)`);
  if (typeof o.layout !== 'string' || o.layout.length === 0 || o.layout.length > 256) throw new Error(`${where}: "layout" must be a layout string`);
  return { id: o.id, layout: o.layout, ablation: ablation(o.ablation, `${where}.ablation`) };
}

function entry(raw: unknown, where: string): CatalogEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: expected an object`);
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !ID.test(o.id)) throw new Error(`${where}: "id" must be a folder name (letters, digits, . _ -)`);
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const count = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : undefined);
  const e: CatalogEntry = {
    id: o.id,
    name: text('name') ?? o.id,
    architecture: text('architecture') ?? text('model_type') ?? 'unknown',
    layout: text('layout') ?? '',
    parameters: count('parameters') ?? 0,
  };
  const maxEntries = count('train_max_entries');
  if (maxEntries !== undefined) e.trainMaxEntries = maxEntries;
  const description = text('description');
  if (description !== undefined) e.description = description;
  if (o.default === true) e.default = true;
  const status = text('status');
  if (status !== undefined) e.status = status;
  if (o.weights === false) e.weights = false;
  if (o.ablation !== undefined) e.ablation = ablation(o.ablation, `${where}.ablation`);
  return e;
}

/** `{"axis", "value", "base"}` (training/ABLATIONS.md), or a one-line error naming the field. */
function ablation(raw: unknown, where: string): AblationTag {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: expected {"axis", "value", "base"}`);
  const o = raw as Record<string, unknown>;
  if (!ABLATION_AXES.includes(o.axis as AblationAxis)) throw new Error(`${where}.axis: expected one of ${ABLATION_AXES.join(', ')}, got ${JSON.stringify(o.axis)}`);
  if (typeof o.value !== 'number' && typeof o.value !== 'string') throw new Error(`${where}.value: expected a number or a string`);
  if (typeof o.base !== 'string' || !ID.test(o.base)) throw new Error(`${where}.base: expected the id of the bundled model it varies`);
  return { axis: o.axis as AblationAxis, value: o.value, base: o.base };
}
