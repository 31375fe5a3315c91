// One word for a POSIX shell, whatever the value holds: the shell lines Looplab sends over SSH (a login
// node, a remote engine's job folders) and the evaluation commands of loop specs quote with this.

/** The value in single quotes, each single quote in it closed, escaped and opened again. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
