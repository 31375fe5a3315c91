// `hub_publish`: files of the run's workspace to a model or dataset repo on the Hub, with a card that
// Looplab writes from the run's record. Risk `publish`: a person is always asked (no rule and no
// headless policy approves it), and what they see is the dry run: the repo (created if missing, private
// unless asked otherwise), every file with its size, and the card, exactly as they will be committed.
import { z } from 'zod';
import type { RunEvent } from '../../shared/events';
import { PUBLISH_TOOL } from '../../shared/publish';
import { AppError } from '../../shared/errors';
import { defineTool, type ToolContext, type ToolOutput } from '../core/tool';
import { publishToHub } from '../hub/hub-publish';
import { dryRunText, resultText } from '../hub/hub-publish-text';
import { planPublish, type PublishPlan, type PublishRequest } from '../hub/hub-publish-plan';
import type { HubEndpoint } from '../hub/hub-endpoint';

const input = z.object({
  kind: z.enum(['model', 'dataset']).describe('What the repo holds: a trained model (or adapter), or a dataset.'),
  repo: z
    .string()
    .max(200)
    .regex(/^[\w.-]+\/[\w.-]+$/, 'a repo id is "owner/name"')
    .describe('The repo, "owner/name" (your user name or an organization you may write to); created if missing.'),
  paths: z
    .array(z.string().min(1).max(1024))
    .min(1)
    .max(64)
    .describe(
      'Files or folders of the workspace to publish, e.g. ["outputs/model"]: a folder’s files go at their place under it, a file at its name. README.md is written by Looplab.',
    ),
  private: z.boolean().optional().describe('Private (the default) or public.'),
  message: z.string().min(1).max(500).optional().describe('The commit message.'),
  includeRun: z
    .boolean()
    .optional()
    .describe('Attach the run’s record (secrets removed) so anyone can replay how the files were made.'),
});
type Input = z.infer<typeof input>;

export interface PublishToolDeps {
  runId: string;
  workspaceFolder: string;
  events(): readonly RunEvent[];
  runExport(): { fileName: string; bytes: Uint8Array };
  endpoint(): HubEndpoint;
  version: string;
  fetch?: typeof fetch;
}

function requestOf(value: Input): PublishRequest {
  return {
    kind: value.kind,
    repo: value.repo,
    paths: value.paths,
    private: value.private ?? true,
    includeRun: value.includeRun ?? false,
    ...(value.message === undefined ? {} : { message: value.message }),
  };
}

/**
 * The plan of each asked call, kept from its dry run to its run: the plan a person approved is the plan
 * sent, the same files and the same card. A plan that failed is dropped so the next ask plans again.
 */
function planCache(deps: PublishToolDeps) {
  const plans = new Map<string, Promise<PublishPlan>>();
  const planOf = (value: Input) => {
    const key = JSON.stringify(value);
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = planPublish(requestOf(value), {
        runId: deps.runId,
        workspaceFolder: deps.workspaceFolder,
        events: deps.events(),
        version: deps.version,
        runExport: deps.runExport,
      });
      plans.set(key, plan);
      plan.catch(() => plans.delete(key));
    }
    return plan;
  };
  const forget = (value: Input) => plans.delete(JSON.stringify(value));
  return { planOf, forget };
}

export function hubPublishTool(deps: PublishToolDeps) {
  const { planOf, forget } = planCache(deps);
  return defineTool({
    name: PUBLISH_TOOL,
    description: [
      'Publish files of the workspace (a trained model or adapter, or a dataset) to a repo on the Hugging Face Hub, private unless private is false.',
      'Looplab writes the card (README.md) from the run: base model, data files with sha256 and row counts, training commands, the harness’s evaluations.',
      'The person is always asked first and sees the files and the card. Needs a token with write access.',
    ].join(' '),
    input,
    risk: 'publish',
    summarize: async (value) => {
      try {
        return dryRunText(await planOf(value), deps.endpoint().url);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return `Publish ${value.kind} ${value.repo}: cannot be done as asked: ${reason}`;
      }
    },
    run: async (value, ctx) => {
      try {
        return await publish(value, ctx);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { output: error.hint === undefined ? error.message : `${error.message} ${error.hint}`, isError: true };
      } finally {
        // A later call is planned afresh: the run (and its card) may have moved on.
        forget(value);
      }
    },
  });

  async function publish(value: Input, ctx: ToolContext): Promise<ToolOutput> {
    const plan = await planOf(value);
    const endpoint = deps.endpoint();
    const result = await publishToHub(
      plan,
      {
        hubUrl: endpoint.url,
        token: endpoint.token,
        workspaceFolder: deps.workspaceFolder,
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      },
      (line) => ctx.progress(`${line}\n`),
      ctx.signal,
    );
    return { output: resultText(plan, result) };
  }
}
