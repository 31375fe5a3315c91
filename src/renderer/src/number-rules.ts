// The bounds of the numbers a person sets for runs, as the shared schemas hold them (a test keeps the
// two in step): the start form and the settings read their fields with these.
import type { NumberRule } from './number-text';

export const maxStepsRule: NumberRule = { whole: true, min: 1, max: 10_000 };
export const tokensRule: NumberRule = { whole: true, above: 0, suffixes: true };
export const costRule: NumberRule = { above: 0 };
export const cpusRule: NumberRule = { above: 0, max: 256 };
export const memoryMbRule: NumberRule = { whole: true, min: 64, max: 4_194_304 };
export const pidsRule: NumberRule = { whole: true, min: 16, max: 1_000_000 };
export const contextLengthRule: NumberRule = { whole: true, min: 1024, max: 2_097_152, suffixes: true };
export const temperatureRule: NumberRule = { min: 0, max: 2 };
