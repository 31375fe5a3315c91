// The colours of a job's metric charts, in order, as theme variables.
export const PALETTE = ['--blue', '--green', '--amber', '--purple', '--teal', '--pink', '--orange', '--red'];
