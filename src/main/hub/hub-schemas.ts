// The parts of the Hub's answers that Looplab reads, validated: the library's types describe what the
// Hub should send, these check what it did. Fields are optional where the Hub leaves them out.
import { z } from 'zod';

const license = z.union([z.string(), z.array(z.string())]).optional();

export const modelDetailsSchema = z.object({
  name: z.string(),
  task: z.string().optional(),
  gated: z.union([z.literal(false), z.string()]).optional(),
  private: z.boolean().optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  updatedAt: z.date().optional(),
  library_name: z.string().optional(),
  tags: z.array(z.string()).optional(),
  cardData: z.looseObject({ license, base_model: z.unknown().optional() }).optional(),
  safetensors: z
    .object({ parameters: z.record(z.string(), z.number()).optional(), total: z.number().optional() })
    .optional(),
});
export type ModelDetails = z.infer<typeof modelDetailsSchema>;

const featureSchema = z.looseObject({ name: z.string(), dtype: z.unknown().optional() });
const splitSchema = z.looseObject({
  name: z.string(),
  num_bytes: z.number().optional(),
  num_examples: z.number().optional(),
});
export const datasetInfoBlockSchema = z.looseObject({
  config_name: z.string().optional(),
  features: z.array(featureSchema).optional(),
  splits: z.array(splitSchema).optional(),
  download_size: z.number().optional(),
  dataset_size: z.number().optional(),
});
export type DatasetInfoBlock = z.infer<typeof datasetInfoBlockSchema>;

export const datasetDetailsSchema = z.object({
  name: z.string(),
  gated: z.union([z.literal(false), z.string()]).optional(),
  private: z.boolean().optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  updatedAt: z.date().optional(),
  tags: z.array(z.string()).optional(),
  description: z.string().optional(),
  cardData: z
    .looseObject({
      license,
      dataset_info: z.union([datasetInfoBlockSchema, z.array(datasetInfoBlockSchema)]).optional(),
      configs: z.array(z.looseObject({ config_name: z.string(), data_files: z.unknown().optional() })).optional(),
    })
    .optional(),
});
export type DatasetDetails = z.infer<typeof datasetDetailsSchema>;

export const fileEntrySchema = z.object({ type: z.string(), path: z.string(), size: z.number() });
export type FileEntry = z.infer<typeof fileEntrySchema>;

const authorSchema = z.looseObject({ name: z.string() });
export const paperSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  summary: z.string().optional(),
  authors: z.array(authorSchema).default([]),
  publishedAt: z.string().optional(),
  upvotes: z.number().optional(),
  githubRepo: z.string().nullable().optional(),
});
export type Paper = z.infer<typeof paperSchema>;

/** /api/papers/search answers a list of hits, each wrapping the paper. */
export const paperSearchSchema = z.array(z.looseObject({ paper: paperSchema }));
