// What a run from elsewhere may reach: its recorded allow-list is a grant like the full network, since
// an entry can name this machine's own services (127.0.0.1:11434 is a local Ollama).
import { describe, expect, it } from 'vitest';
import { loopConfigSchema } from '../../shared/loop-config';
import { checkGrants, confinedConfig, type RecordingNeeds } from './run-trust';

const fromElsewhere = (network: RecordingNeeds['network']): RecordingNeeds => ({
  fromElsewhere: true,
  imported: true,
  runtime: 'sandbox',
  network,
  mcpServers: [],
});

describe('a recorded network from elsewhere', () => {
  it('refuses an allow-list that was not granted, naming it', () => {
    const needs = fromElsewhere({ allow: ['pypi', '127.0.0.1:11434'] });
    expect(() => checkGrants('run_x', needs, { host: false, network: false, mcp: false })).toThrow(
      "replaying it would let its sandbox reach the hosts of its allow-list (allow:pypi,127.0.0.1:11434), which may name this machine's own services. Nothing was replayed.",
    );
    expect(() => checkGrants('run_x', needs, { host: false, network: true, mcp: false })).not.toThrow();
  });

  it('resumes and forks with no network at all', () => {
    const config = loopConfigSchema.parse({ network: { allow: ['127.0.0.1:11434'] } });
    expect(confinedConfig(config).network).toBe('none');
  });
});
