import { describe, expect, it } from 'vitest';
import { loopConfigSchema } from './loop-config';
import { allowedBy, hostEntryProblem, hostPatterns, networkText, parseNetworkText } from './network-policy';

describe('a network allow-list', () => {
  it('reads the --network flag: none, full, or allow: with presets and hosts', () => {
    expect(parseNetworkText('none')).toBe('none');
    expect(parseNetworkText('full')).toBe('full');
    expect(parseNetworkText('allow:pypi, *.Example.org ,10.0.0.5:8080')).toEqual({
      allow: ['pypi', '*.example.org', '10.0.0.5:8080'],
    });
    expect(networkText({ allow: ['pypi', 'example.org'] })).toBe('allow:pypi,example.org');
  });

  it('names what is wrong with a bad entry and what is accepted', () => {
    expect(() => parseNetworkText('some')).toThrow(
      '--network takes none, full or allow:HOST,… (presets: pypi, huggingface, github, conda); got "some"',
    );
    expect(() => parseNetworkText('allow:')).toThrow('--network allow:');
    expect(hostEntryProblem('*.org')).toBe(
      '"*.org" would allow a whole top-level domain; name the domain under it (e.g. *.example.org)',
    );
    expect(hostEntryProblem('exa mple.org')).toMatch(/is not a host name/);
    expect(hostEntryProblem('example.org:70000')).toBe(
      '"example.org:70000" has a port that is not a number from 1 to 65535',
    );
    expect(hostEntryProblem('[::1]:80')).toMatch(/IPv6 addresses are not supported/);
    expect(loopConfigSchema.safeParse({ network: { allow: ['http://pypi.org'] } }).success).toBe(false);
    expect(loopConfigSchema.parse({}).network).toBe('none');
  });

  it('matches hosts, subdomains and ports as written, presets expanded', () => {
    const patterns = hostPatterns(['pypi', '*.example.org', 'data.lab:8443', '10.0.0.5']);
    expect(allowedBy(patterns, 'files.pythonhosted.org', 443)?.exact).toBe(false);
    expect(allowedBy(patterns, 'pypi.org', 80)).toBeDefined();
    expect(allowedBy(patterns, 'pypi.org', 22)).toBeUndefined();
    expect(allowedBy(patterns, 'a.b.example.org', 443)).toBeDefined();
    expect(allowedBy(patterns, 'example.org', 443)).toBeUndefined();
    expect(allowedBy(patterns, 'badexample.org', 443)).toBeUndefined();
    expect(allowedBy(patterns, 'data.lab', 8443)?.exact).toBe(true);
    expect(allowedBy(patterns, 'data.lab', 443)).toBeUndefined();
    expect(allowedBy(patterns, '10.0.0.5', 80)?.exact).toBe(true);
    expect(allowedBy(patterns, 'PYPI.ORG.', 443)).toBeDefined();
  });
});
