// The main process for the approval tests: `window.api`, the bridge seam the preload fills in Electron,
// is here a LooplabBridge that records each request. Decisions succeed unless a test refuses the next
// one; a blob-stored input's full text comes back for BLOB_HASH.
import { cleanup } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import type { RequestChannel } from '../../../../shared/channels';
import type { ApiResult, LooplabBridge } from '../../../../shared/contract';

export const BLOB_HASH = 'a'.repeat(64);
export const BLOB_TEXT = 'print("the full script, loaded from its blob")\n';

interface Call {
  channel: RequestChannel;
  input: unknown;
}

type DecideResult = ApiResult<{ decided: true }>;

const decided: DecideResult = { ok: true, value: { decided: true } };

/** Installs the recording bridge for the file's tests, emptied before each. */
export function installRecordingBridge() {
  const calls: Call[] = [];
  let decideResult = decided;
  const answer = (channel: RequestChannel, input: unknown): ApiResult<unknown> => {
    if (channel === 'approvals.decide') return decideResult;
    if (channel === 'blobs.get') {
      const { hash } = input as { hash: string };
      return { ok: true, value: { hash, text: hash === BLOB_HASH ? BLOB_TEXT : '' } };
    }
    return { ok: false, error: { code: 'internal', message: `unexpected request ${channel}` } };
  };
  const bridge: LooplabBridge = {
    call: (channel, input) => {
      calls.push({ channel, input });
      return Promise.resolve(answer(channel, input) as never);
    },
    subscribe: () => () => undefined,
  };
  beforeAll(() => {
    // The bridge module reads `window.api` once, on the first request; it is set before any.
    window.api = bridge;
  });
  beforeEach(() => {
    calls.length = 0;
    decideResult = decided;
  });
  afterEach(() => cleanup());
  return {
    calls,
    /** The `approvals.decide` inputs sent so far. */
    decideCalls: (): unknown[] => calls.filter((call) => call.channel === 'approvals.decide').map((call) => call.input),
    /** What the next decisions answer (a refusal, say). */
    answerDecide: (result: DecideResult): void => {
      decideResult = result;
    },
  };
}
