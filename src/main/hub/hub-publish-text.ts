// A publish in words, the same in the app's approval card, the tool's answer and `looplab publish`: the
// dry run (repo, visibility, each file with its size and where it comes from, the card in full) and
// what was done.
import { formatBytes } from '../../shared/format';
import { CARD_HEADING } from '../../shared/publish';
import type { PublishResult } from './hub-publish';
import type { PublishPlan } from './hub-publish-plan';

/** The dry run a person approves: the repo, each file with its size, and the card in full. */
export function dryRunText(plan: PublishPlan, hubUrl: string): string {
  const { kind, repo } = plan.request;
  const total = plan.files.reduce((sum, file) => sum + file.bytes, 0);
  const width = Math.max(...plan.files.map((file) => file.path.length));
  const rows = plan.files.map((file) => {
    const from = file.source === undefined || file.source === file.path ? '' : `  ← ${file.source}`;
    const what = file.path === 'README.md' ? '  (the card below)' : '';
    return `  ${file.path.padEnd(width)}  ${formatBytes(file.bytes).padStart(9)}${from}${what}`;
  });
  return [
    `Publish to the Hub: ${kind} ${repo} (created ${plan.request.private ? 'private' : 'PUBLIC'} if missing)`,
    `  ${hubUrl}/${kind === 'dataset' ? 'datasets/' : ''}${repo}`,
    `Commit: ${plan.request.message ?? `Publish from the Looplab run ${plan.runId}`}`,
    `Files (${plan.files.length}, ${formatBytes(total)}):`,
    ...rows,
    '',
    CARD_HEADING,
    plan.card,
  ].join('\n');
}

/** What was published, where, and which large files were sent or already there. */
export function resultText(plan: PublishPlan, result: PublishResult): string {
  const { kind, repo } = plan.request;
  const visibility = plan.request.private ? 'private' : 'public';
  return [
    `Published ${plan.files.length} files to the ${visibility} ${kind} repo ${repo}${result.created ? ' (created)' : ''}: ${result.url}`,
    ...(result.commitUrl === undefined ? [] : [`Commit: ${result.commitUrl}`]),
    `Large files sent: ${result.sent.length}; already on the Hub (not sent again): ${result.alreadyThere.length}.`,
  ].join('\n');
}
