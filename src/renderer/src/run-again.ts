// "Run again": a finished run's page (or a spec it was saved as) opens the start form prefilled with
// the run's goal, model and parameters; the run it starts records the run it came from as its parent.
import { createContext } from 'react';

export interface RunAgain {
  /** The run this one runs again. */
  parent: string;
  goal: string;
  model: string;
  /** The loop spec to run, with its parameters (empty: the spec's defaults). */
  spec?: { name: string; params: Record<string, string> } | undefined;
}

/** Opens the start form for a run again; the workbench provides it. */
export const RunAgainContext = createContext<(again: RunAgain) => void>(() => undefined);
