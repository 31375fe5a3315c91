// Publishing sends a run's files to the Hub, where they stay: a person approves each publish, one by
// one. No rule, "Approve all" or headless policy stands in for them, and the call is not edited after
// its dry run was shown (what is sent is what was shown).
export const PUBLISH_TOOL = 'hub_publish';

/** The line between a publish's dry run and its card, in the approval's summary. */
export const CARD_HEADING = 'Card (README.md):';

export function alwaysAsks(tool: string): boolean {
  return tool === PUBLISH_TOOL;
}
