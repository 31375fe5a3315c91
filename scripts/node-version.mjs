// The Node.js line Looplab needs (package.json engines), checked where a person starts it so that an old
// Node is one line saying what to install, not an error from deep inside a dependency.

export const MIN_NODE = '22.12';

/**
 * Why this Node.js is too old, or undefined when it will do.
 * @param {string} version as in process.versions.node
 */
export function oldNode(version) {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor, needMinor] = MIN_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `Node.js ${version} is too old: Looplab needs ${MIN_NODE} or newer (24 LTS recommended). Install it from https://nodejs.org or your package manager, then run \`npm install\` again.`;
}
