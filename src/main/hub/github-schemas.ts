// The parts of GitHub's REST answers that Looplab reads, validated: code search (with text matches) and
// the contents API's listing of a folder. A file comes raw (`application/vnd.github.raw+json`).
import { z } from 'zod';

const textMatchSchema = z.looseObject({ fragment: z.string(), property: z.string().optional() });

export const codeHitSchema = z.looseObject({
  name: z.string(),
  path: z.string(),
  html_url: z.string(),
  repository: z.looseObject({ full_name: z.string() }),
  text_matches: z.array(textMatchSchema).optional(),
});
export type CodeHit = z.infer<typeof codeHitSchema>;

export const codeSearchSchema = z.looseObject({
  total_count: z.number(),
  incomplete_results: z.boolean().optional(),
  items: z.array(codeHitSchema),
});
export type CodeSearch = z.infer<typeof codeSearchSchema>;

export const folderEntrySchema = z.looseObject({
  name: z.string(),
  path: z.string(),
  type: z.string(),
  size: z.number().optional(),
});
export type FolderEntry = z.infer<typeof folderEntrySchema>;

export const folderSchema = z.array(folderEntrySchema);

/** The body of GitHub's errors: `{ message, documentation_url }`. */
export const githubErrorSchema = z.looseObject({ message: z.string() });
