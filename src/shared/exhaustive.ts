// Makes a switch over a closed set of names exhaustive: a value the switch forgot does not compile.

/** Called in a switch's `default:` with the value every case has narrowed away. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
