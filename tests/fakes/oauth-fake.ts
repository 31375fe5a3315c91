// A protected MCP server and its authorization server on 127.0.0.1, as the MCP spec has them: the MCP
// endpoint answers 401 with `WWW-Authenticate: Bearer resource_metadata="…"` until it gets a token it
// issued; the protected-resource metadata names the authorization server, which serves its metadata,
// dynamic registration, an authorization page that redirects at once (allowing, or refusing when told
// to, as a person clicking "Deny"), and a token endpoint that checks the PKCE verifier.
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { serveMcpHttp, type FakeRequest, type McpHttpFake } from './mcp-http-fake';
import { createCalcServer } from './mcp-server';

export interface OAuthFake extends McpHttpFake {
  /** Access tokens issued so far. */
  issued: string[];
  /** Whether the authorization page refuses. */
  refuse: { value: boolean };
}

function json(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

export async function serveProtectedMcp(): Promise<OAuthFake> {
  const issued: string[] = [];
  /** Each code's PKCE challenge. */
  const challenges = new Map<string, string>();
  const refuse = { value: false };
  const metadata = (origin: string) => ({
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
  });
  const authorize = (request: FakeRequest, response: ServerResponse): true => {
    const back = new URL(request.query.get('redirect_uri') ?? '');
    back.searchParams.set('state', request.query.get('state') ?? '');
    if (refuse.value) {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = randomUUID();
      challenges.set(code, request.query.get('code_challenge') ?? '');
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.href }).end();
    return true;
  };
  const token = (request: FakeRequest, response: ServerResponse): true => {
    const form = new URLSearchParams(request.body);
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '')
      .digest('base64url');
    if (challenges.get(form.get('code') ?? '') !== challenge) return json(response, 400, { error: 'invalid_grant' });
    const access = `at-${randomUUID()}`;
    issued.push(access);
    return json(response, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600 });
  };
  const routes = (request: FakeRequest, response: ServerResponse, origin: string): boolean => {
    if (request.path.startsWith('/.well-known/oauth-protected-resource')) {
      return json(response, 200, { resource: `${origin}/mcp`, authorization_servers: [origin] });
    }
    if (request.path === '/.well-known/oauth-authorization-server') return json(response, 200, metadata(origin));
    if (request.path === '/register' && request.method === 'POST') {
      const asked = JSON.parse(request.body) as Record<string, unknown>;
      return json(response, 201, { ...asked, client_id: randomUUID(), token_endpoint_auth_method: 'none' });
    }
    if (request.path === '/authorize') return authorize(request, response);
    if (request.path === '/token' && request.method === 'POST') return token(request, response);
    return false;
  };
  const fake = await serveMcpHttp({
    make: createCalcServer,
    admit: (request, response, origin) => {
      if (issued.some((access) => request.headers.authorization === `Bearer ${access}`)) return true;
      const where = `${origin}/.well-known/oauth-protected-resource/mcp`;
      response.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${where}"` }).end();
      return false;
    },
    routes,
  });
  return Object.assign(fake, { issued, refuse });
}
