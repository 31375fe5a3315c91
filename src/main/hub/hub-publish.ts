// Sends a publish plan to the Hub through @huggingface/hub: the repo is created where missing (private
// unless the plan says public), then one commit holds every file and the card. Large files go the way
// the Hub answers (LFS basic transfer, or Xet); an object the Hub already has is not sent again, so a
// cut upload is tried again from where it stopped. Workspace files are opened inside the workspace,
// never through a link, and read from those descriptors while they upload.
import { existsSync, openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../shared/format';
import { openFileInside, PROC_FD } from '../fs/open-inside';
import { classifyPublishError, noTokenError, type PublishStage } from './hub-publish-errors';
import type { PublishPlan } from './hub-publish-plan';
import { hubLibrary, type HubLibrary } from './hub-library';

export interface PublishTarget {
  hubUrl: string;
  token: string | undefined;
  workspaceFolder: string;
  fetch?: typeof fetch;
}

export interface PublishResult {
  url: string;
  commitUrl: string | undefined;
  created: boolean;
  /** Large files sent, and those the Hub already had (not sent again). */
  sent: string[];
  alreadyThere: string[];
}

const ATTEMPTS = 3;
const viaHandles = process.platform === 'linux' && existsSync(PROC_FD);

type Report = (line: string) => void;

interface OpenedContent {
  operations: { operation: 'addOrUpdate'; path: string; content: Blob }[];
  close(): void;
}

/** Each file as a Blob: Looplab's own bytes, or a workspace file read through its descriptor. */
async function openContents(plan: PublishPlan, workspaceFolder: string): Promise<OpenedContent> {
  const closers: (() => void)[] = [];
  const close = () => closers.splice(0).forEach((closeOne) => closeOne());
  try {
    const operations = [];
    for (const file of plan.files) {
      let content: Blob;
      if (file.content !== undefined) content = new Blob([new Uint8Array(file.content)]);
      else {
        const opened = openFileInside(workspaceFolder, file.source!, 'read');
        closers.push(opened.close);
        content = await openAsBlob(viaHandles ? `${PROC_FD}/${opened.fd}` : join(workspaceFolder, file.source!));
      }
      operations.push({ operation: 'addOrUpdate' as const, path: file.path, content });
    }
    return { operations, close };
  } catch (error) {
    close();
    throw error;
  }
}

function repoPage(hubUrl: string, plan: PublishPlan): string {
  return `${hubUrl}/${plan.request.kind === 'dataset' ? 'datasets/' : ''}${plan.request.repo}`;
}

async function createIfMissing(library: HubLibrary, plan: PublishPlan, target: PublishTarget, report: Report) {
  const { kind, repo } = plan.request;
  try {
    await library.createRepo({
      repo: { type: kind, name: repo },
      visibility: plan.request.private ? 'private' : 'public',
      accessToken: target.token!,
      hubUrl: target.hubUrl,
      ...(target.fetch === undefined ? {} : { fetch: target.fetch }),
    });
    report(`Created the ${plan.request.private ? 'private' : 'public'} ${kind} repo ${repo}.`);
    return true;
  } catch (error) {
    if (error instanceof library.HubApiError && error.statusCode === 409) {
      report(`${repo} exists: the files go into a new commit on it.`);
      return false;
    }
    throw error;
  }
}

/** One try at the commit, reporting its progress; the Hub's answer for each large file is noted. */
async function commitOnce(
  library: HubLibrary,
  plan: PublishPlan,
  target: PublishTarget,
  report: Report,
  signal: AbortSignal,
  seen: { sent: Set<string>; alreadyThere: Set<string> },
) {
  const opened = await openContents(plan, target.workspaceFolder);
  const started = new Set<string>();
  const sizes = new Map(plan.files.map((file) => [file.path, file.bytes]));
  try {
    const iterator = library.commitIter({
      repo: { type: plan.request.kind, name: plan.request.repo },
      title: plan.request.message ?? `Publish from the Looplab run ${plan.runId}`,
      description: `Files and card from the Looplab run ${plan.runId}.`,
      operations: opened.operations,
      accessToken: target.token!,
      hubUrl: target.hubUrl,
      abortSignal: signal,
      ...(target.fetch === undefined ? {} : { fetch: target.fetch }),
    });
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return next.value;
      const event = next.value;
      if (event.event === 'phase' && event.phase === 'uploadingLargeFiles') report('Sending large files…');
      if (event.event === 'phase' && event.phase === 'committing') report('Committing…');
      if (event.event !== 'fileProgress' || event.state !== 'uploading') continue;
      const size = formatBytes(sizes.get(event.path) ?? 0);
      if (event.progress === 0) {
        started.add(event.path);
        report(`Sending ${event.path} (${size})…`);
      } else if (event.progress >= 1 && started.has(event.path)) {
        seen.sent.add(event.path);
        report(`Sent ${event.path}.`);
      } else if (event.progress >= 1) {
        seen.alreadyThere.add(event.path);
        report(`${event.path} (${size}): the Hub has it already; not sent again.`);
      }
    }
  } finally {
    opened.close();
  }
}

/** Publishes the plan; throws an AppError that says why when it cannot. */
export async function publishToHub(
  plan: PublishPlan,
  target: PublishTarget,
  report: Report,
  signal: AbortSignal,
): Promise<PublishResult> {
  if (target.token === undefined || target.token === '') throw noTokenError();
  const library = await hubLibrary();
  const { kind, repo } = plan.request;
  const fail = (error: unknown, stage: PublishStage) =>
    classifyPublishError(error, { library, hubUrl: target.hubUrl, repo, kind, stage });
  let created: boolean;
  try {
    created = await createIfMissing(library, plan, target, report);
  } catch (error) {
    throw fail(error, 'create').error;
  }
  const seen = { sent: new Set<string>(), alreadyThere: new Set<string>() };
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await commitOnce(library, plan, target, report, signal, seen);
      return {
        url: repoPage(target.hubUrl, plan),
        commitUrl: output?.commit.url,
        created,
        sent: [...seen.sent],
        alreadyThere: [...seen.alreadyThere].filter((path) => !seen.sent.has(path)),
      };
    } catch (error) {
      if (signal.aborted) throw error;
      const failure = fail(error, 'upload');
      if (!failure.transient || attempt >= ATTEMPTS) throw failure.error;
      report(
        `${failure.error.message} Trying again (${attempt + 1} of ${ATTEMPTS}); files the Hub has are not sent again.`,
      );
    }
  }
}
