// Where a model comes from: the `base_model` of its card, how it relates to it (the Hub's
// `base_model:<relation>:<id>` tags: fine-tune, adapter, quantized, merge), and the base's own base, a few
// steps up, so the model reads "an adapter of A, which is fine-tuned from B".
import { z } from 'zod';
import type { HubCall } from './hub-client';
import { modelDetailsSchema, type ModelDetails } from './hub-schemas';

/** How far up the chain is followed: each step is one more request to the Hub. */
const STEPS = 3;

const baseModelSchema = z.union([z.string(), z.array(z.string())]);

const RELATIONS: Record<string, string> = {
  finetune: 'fine-tuned from',
  adapter: 'an adapter of',
  quantized: 'quantized from',
  merge: 'merged from',
};

/** One step up: the model's bases and how it relates to them. */
export interface LineageStep {
  relation: string;
  bases: string[];
}

export function baseModels(model: ModelDetails): string[] {
  const parsed = baseModelSchema.safeParse(model.cardData?.base_model);
  if (!parsed.success) return [];
  const list = typeof parsed.data === 'string' ? [parsed.data] : parsed.data;
  return list.map((id) => id.trim()).filter((id) => id !== '');
}

function relationOf(model: ModelDetails, base: string): string {
  for (const tag of model.tags ?? []) {
    const match = /^base_model:([a-z]+):(.+)$/.exec(tag);
    if (match !== null && match[2] === base) return RELATIONS[match[1]!] ?? 'from';
  }
  return 'from';
}

/**
 * The chain of bases above a model, following a single base upwards; `lookup` answers a base's details,
 * or undefined where it cannot be read (missing, private), which ends the chain there.
 */
export async function modelLineage(
  model: ModelDetails,
  lookup: (id: string) => Promise<ModelDetails | undefined>,
): Promise<LineageStep[]> {
  const steps: LineageStep[] = [];
  let current: ModelDetails | undefined = model;
  const seen = new Set([model.name]);
  while (current !== undefined && steps.length < STEPS) {
    const bases = baseModels(current);
    if (bases.length === 0) break;
    steps.push({ relation: relationOf(current, bases[0]!), bases });
    if (bases.length > 1 || seen.has(bases[0]!)) break;
    seen.add(bases[0]!);
    current = await lookup(bases[0]!);
  }
  return steps;
}

export function lineageText(steps: readonly LineageStep[]): string | undefined {
  if (steps.length === 0) return undefined;
  const parts = steps.map((step) => `${step.relation} ${step.bases.join(', ')}`);
  return `lineage: ${parts.join(', which is ')}`;
}

/** A base's details as the Hub gives them, or undefined where the Hub refuses them (missing, private). */
export function baseLookup(call: HubCall): (id: string) => Promise<ModelDetails | undefined> {
  return async (id) => {
    try {
      const base = await call.library.modelInfo({ name: id, additionalFields: ['cardData', 'tags'], ...call });
      return modelDetailsSchema.parse(base);
    } catch (error) {
      if (error instanceof call.library.HubApiError) return undefined;
      throw error;
    }
  };
}
