// The four checks of a model's capability probe and their names as a person reads them: apart from the
// probe's schemas (model-probe.ts), so the start form shows them without loading zod on the home screen.

export const probeCheckIds = ['calls_tool', 'follows_result', 'recovers_error', 'stops_when_done'] as const;
export type ProbeCheckId = (typeof probeCheckIds)[number];

/** What each check asks of the model, as a person reads it. */
export const probeCheckNames: Record<ProbeCheckId, string> = {
  calls_tool: 'calls a tool',
  follows_result: 'follows a tool result',
  recovers_error: 'recovers from a tool error',
  stops_when_done: 'stops when done',
};
