/** A command ended with a status other than success: its exit status says which (see exitCodes). */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
