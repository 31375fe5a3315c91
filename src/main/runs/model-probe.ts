// "Which model should I use?": before a run, four short checks tell whether a model can drive the loop
// (many local models say they take tools and then answer in prose, repeat a failing call or never stop),
// and how quickly it answers. Each reply goes through the same readiness check, model profile, provider
// and reply streaming a run uses, and a call written as text is recovered as a run would recover it (and
// noted).
import { AppError } from '../../shared/errors';
import { probeCheckNames, type ProbeCheck, type ProbeCheckId, type ProbeReport } from '../../shared/model-probe';
import { ProviderError, type ModelProvider } from '../core/model';
import { emptyTurn, streamReply, type ReplyDeps } from '../core/model-reply';
import { recoverTextCalls } from '../core/model-text-calls';
import { probeChecks, type ProbeCheckSpec, type ProbeReply } from './model-probe-checks';
import { readyModel, type ModelResolver } from './readiness';

/** The window a probe asks for: its conversations are short. */
const PROBE_CONTEXT = 4096;
/** Room for a thinking model's reasoning before its call. */
const PROBE_OUTPUT_TOKENS = 2048;
const CHECK_TIMEOUT_MS = 120_000;

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Before each check (`done` of them finished) and once all are done (`checking` undefined). */
  onProgress?: (done: number, checking: ProbeCheckId | undefined) => void;
  /** Each check as it is judged. */
  onCheck?: (check: ProbeCheck) => void;
  now?: () => Date;
}

/**
 * The provider with the probe's settings on every request: a cap on the reply, and greedy sampling unless
 * the model's profile sets a temperature (a run would use it).
 */
function probing(provider: ModelProvider): ModelProvider {
  return {
    id: provider.id,
    check: (model, signal) => provider.check(model, signal),
    stream: (request) =>
      provider.stream({ ...request, temperature: request.temperature ?? 0, maxOutputTokens: PROBE_OUTPUT_TOKENS }),
  };
}

async function replyTo(deps: ReplyDeps, spec: ProbeCheckSpec, signal: AbortSignal | undefined): Promise<ProbeReply> {
  const { turn, usage } = emptyTurn();
  const timeout = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const request = {
    messages: spec.messages,
    tools: spec.tools,
    signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
  };
  await streamReply(deps, request, { turn, usage, show: () => undefined });
  if (turn.calls.length > 0 || turn.finish === 'length') return { text: turn.text, calls: turn.calls };
  const offered = new Set(spec.tools.map((tool) => tool.name));
  return recoverTextCalls(turn.text, offered, (index) => `probe-text-${index + 1}`);
}

async function runCheck(deps: ReplyDeps, spec: ProbeCheckSpec, signal: AbortSignal | undefined): Promise<ProbeCheck> {
  const started = Date.now();
  let reply: ProbeReply;
  try {
    reply = await replyTo(deps, spec, signal);
  } catch (error) {
    if (error instanceof ProviderError)
      throw new AppError('unavailable', `${deps.modelName} failed the probe: ${error.message}.`, error.hint);
    throw error;
  }
  const latencyMs = Date.now() - started;
  const { passed, verdict, call } = spec.judge(reply);
  const recoveredFrom = call?.recoveredFrom;
  return {
    id: spec.id,
    passed,
    verdict: recoveredFrom === undefined ? verdict : `${verdict} (written as text, recovered: ${recoveredFrom})`,
    latencyMs,
    ...(recoveredFrom !== undefined && { recoveredFrom }),
  };
}

const failedWords: Record<ProbeCheckId, string> = {
  calls_tool: 'does not call a tool as asked',
  follows_result: 'does not follow a tool result',
  recovers_error: 'does not recover from a tool error',
  stops_when_done: 'does not stop when done',
};

/** What to do with the model, from its checks. */
export function recommend(checks: readonly ProbeCheck[]): string {
  const failed = checks.filter((check) => !check.passed);
  if (failed.length === 0) {
    return checks.some((check) => check.recoveredFrom !== undefined)
      ? 'Suitable for runs; it writes its tool calls as text, which Looplab recovers.'
      : 'Suitable for runs.';
  }
  if (failed.some((check) => check.id === 'calls_tool'))
    return 'Not suitable: it does not call tools as asked, so it cannot drive the loop. Choose another model.';
  const what = failed.map((check) => failedWords[check.id]);
  return `Usable with care: it ${what.join(', and ')}. Watch its runs, or choose another model.`;
}

export async function probeModel(
  models: ModelResolver,
  name: string,
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  const ready = await readyModel(models, name, PROBE_CONTEXT);
  const deps: ReplyDeps = {
    provider: probing(ready.provider),
    model: ready.model,
    modelName: name,
    modelInfo: ready.info,
    ...(ready.profile !== undefined && { profile: ready.profile }),
    price: () => 0,
    modelIdleMs: CHECK_TIMEOUT_MS,
  };
  const checks: ProbeCheck[] = [];
  for (const spec of probeChecks) {
    options.onProgress?.(checks.length, spec.id);
    const check = await runCheck(deps, spec, options.signal);
    checks.push(check);
    options.onCheck?.(check);
  }
  options.onProgress?.(checks.length, undefined);
  return {
    model: name,
    probedAt: (options.now?.() ?? new Date()).toISOString(),
    checks,
    passed: checks.filter((check) => check.passed).length,
    total: checks.length,
    recommendation: recommend(checks),
  };
}

/** One check as a line of text: its name, passed or not, what the model did and how long it took. */
export function checkLine(check: ProbeCheck): string {
  const name = probeCheckNames[check.id].padEnd(27);
  return `${check.passed ? 'pass' : 'FAIL'}  ${name} ${check.verdict} (${check.latencyMs} ms)`;
}
