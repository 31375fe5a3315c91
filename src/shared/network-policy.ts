// What a run's sandbox may reach on the network: nothing (`none`, the default), everything (`full`), or
// the hosts of an allow-list (`{ allow: [...] }`) through the egress proxy the harness controls. An entry
// is a host name (`example.org`), a wildcard for its subdomains (`*.example.org`), an IPv4 address, each
// with an optional port (`example.org:8443`; 80 and 443 when absent), or a named preset (`pypi`).
import { z } from 'zod';

/** The hosts of the services ML work most often needs, by name. */
export const NETWORK_PRESETS = {
  /** The Python package index and the host its files come from. */
  pypi: ['pypi.org', 'files.pythonhosted.org'],
  /** The Hugging Face Hub and the CDNs it redirects downloads to. */
  huggingface: ['huggingface.co', '*.huggingface.co', 'hf.co', '*.hf.co'],
  github: ['github.com', '*.github.com', '*.githubusercontent.com'],
  conda: ['conda.anaconda.org', 'repo.anaconda.com', '*.anaconda.org', '*.anaconda.com'],
} as const satisfies Record<string, readonly string[]>;
export type NetworkPreset = keyof typeof NETWORK_PRESETS;

const PORTS_WHEN_UNSAID = [80, 443] as const;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** One allowed destination: a host (or every subdomain of one) on some ports. */
export interface HostPattern {
  /** The entry as written (or the preset's host), for messages and rules. */
  text: string;
  host: string;
  /** `*.host`: any subdomain of `host`, not `host` itself. */
  subdomains: boolean;
  ports: readonly number[];
  /** Named exactly by the person (not a preset, not a wildcard): may resolve to a private address. */
  exact: boolean;
}

/** Why an allow-list entry is not one, or undefined when it is. */
export function hostEntryProblem(entry: string): string | undefined {
  if (entry in NETWORK_PRESETS) return undefined;
  const parsed = splitPort(entry);
  if (parsed === undefined) return `"${entry}" has a port that is not a number from 1 to 65535`;
  const { host } = parsed;
  if (host.includes('[') || host.includes(':')) return `"${entry}": IPv6 addresses are not supported; name the host`;
  if (IPV4.test(host)) return undefined;
  const name = host.startsWith('*.') ? host.slice(2) : host;
  const labels = name.split('.');
  if (name.length > 253 || labels.some((label) => !LABEL.test(label)))
    return `"${entry}" is not a host name (letters, digits, dashes and dots; "*." in front for subdomains), an IPv4 address or one of the presets ${presetList()}`;
  if (host.startsWith('*.') && labels.length < 2)
    return `"${entry}" would allow a whole top-level domain; name the domain under it (e.g. *.example.org)`;
  return undefined;
}

function presetList(): string {
  return Object.keys(NETWORK_PRESETS).join(', ');
}

function splitPort(entry: string): { host: string; port?: number } | undefined {
  const match = /^(.*?)(?::(\d{1,5}))?$/.exec(entry);
  if (match === null) return undefined;
  const [, host = '', port] = match;
  if (port === undefined) return { host };
  const value = Number(port);
  return value >= 1 && value <= 65535 ? { host, port: value } : undefined;
}

const hostEntrySchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(300)
  .superRefine((entry, context) => {
    const problem = hostEntryProblem(entry);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

export const networkSchema = z.union([
  z.enum(['none', 'full']),
  z.strictObject({ allow: z.array(hostEntrySchema).min(1).max(200) }),
]);
export type Network = z.infer<typeof networkSchema>;
export type NetworkMode = 'none' | 'full' | 'allow';

export function networkMode(network: Network): NetworkMode {
  return typeof network === 'string' ? network : 'allow';
}

/** The network as the command line writes it: `none`, `full` or `allow:pypi,example.org`. */
export function networkText(network: Network): string {
  return typeof network === 'string' ? network : `allow:${network.allow.join(',')}`;
}

/**
 * Reads `none`, `full` or `allow:entry,entry…` (the `--network` flag; `--network` alone means `full`).
 * Throws an Error naming the bad part and what is accepted.
 */
export function parseNetworkText(text: string): Network {
  const trimmed = text.trim();
  if (trimmed === 'none' || trimmed === 'full') return trimmed;
  if (!trimmed.startsWith('allow:'))
    throw new Error(
      `--network takes none, full or allow:HOST,… (presets: ${presetList()}); got "${text}". Example: --network allow:pypi,huggingface`,
    );
  const entries = trimmed
    .slice('allow:'.length)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const parsed = networkSchema.safeParse({ allow: entries });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`--network ${text}: ${issue?.message ?? 'not an allow-list'}`);
}

/** The patterns an allow-list stands for, presets expanded. */
export function hostPatterns(allow: readonly string[]): HostPattern[] {
  return allow.flatMap((entry): HostPattern[] => {
    const preset = (NETWORK_PRESETS as Record<string, readonly string[]>)[entry];
    if (preset !== undefined) return preset.map((host) => pattern(host, false));
    return [pattern(entry, true)];
  });
}

function pattern(entry: string, named: boolean): HostPattern {
  const { host, port } = splitPort(entry) ?? { host: entry };
  const subdomains = host.startsWith('*.');
  return {
    text: entry,
    host: subdomains ? host.slice(2) : host,
    subdomains,
    ports: port === undefined ? PORTS_WHEN_UNSAID : [port],
    exact: named && !subdomains,
  };
}

/** The first pattern that lets a connection to `host:port` through, if any. */
export function allowedBy(patterns: readonly HostPattern[], host: string, port: number): HostPattern | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  return patterns.find(
    (candidate) =>
      candidate.ports.includes(port) &&
      (candidate.subdomains ? name.endsWith(`.${candidate.host}`) : name === candidate.host),
  );
}

/** Whether a host is an IP address literal (v4 or v6), which only an exact entry may name. */
export function isAddressLiteral(host: string): boolean {
  return IPV4.test(host) || host.includes(':') || host.startsWith('[');
}
