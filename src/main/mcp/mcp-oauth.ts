// Authorization for MCP servers reached over HTTP, as the MCP spec has it: the server answers 401 with
// its protected-resource metadata, and the SDK (auth() in the transport) finds the authorization server,
// registers Looplab as a client, sends the person to authorize with PKCE, trades the code for tokens and
// refreshes them. This provider keeps what the SDK hands it: the registration and the tokens in the
// secret store (one secret per server, never recorded), the PKCE verifier in memory, and the redirect
// on a loopback listener. Where no one can be asked, a server that needs a sign-in says how to sign in.
import { createHash, randomBytes } from 'node:crypto';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { SecretStore } from '../settings/secret-store';
import { startLoopback, type Loopback } from './oauth-loopback';

export interface McpOAuthPort {
  /** Where registrations and tokens are kept. */
  secrets: Pick<SecretStore, 'get' | 'set' | 'clear'>;
  /** Shows the authorization page to the person (their browser); without it no one is asked. */
  open?: ((url: URL, server: string) => void | Promise<void>) | undefined;
}

/** What is kept for one server: for its URL, the registration (with its redirect) and the tokens. */
const keptSchema = z.object({
  url: z.string(),
  redirectUrl: z.string().optional(),
  client: z.looseObject({ client_id: z.string() }).optional(),
  tokens: z.looseObject({ access_token: z.string(), token_type: z.string() }).optional(),
});
type Kept = z.infer<typeof keptSchema>;

/** The secret that holds a server's registration and tokens: `mcp:<name>`, capitals marked with `.`. */
export function oauthSecret(server: string): string {
  const name = `mcp:${server.replace(/[A-Z]/g, (letter) => `.${letter.toLowerCase()}`)}`;
  return name.length <= 64 ? name : `mcp:${createHash('sha256').update(server).digest('hex').slice(0, 40)}`;
}

export class McpOAuthProvider implements OAuthClientProvider {
  private verifier: string | undefined;
  private readonly expectedState = randomBytes(16).toString('base64url');
  /** Set once the person was sent to authorize: the code then comes back on the loopback. */
  private asked = false;

  private constructor(
    private readonly server: { name: string; url: string },
    private readonly port: McpOAuthPort,
    private loopback: Loopback | undefined,
  ) {}

  /** A provider for one connection; one that can ask listens for the redirect until done() is called. */
  static async start(server: { name: string; url: string }, port: McpOAuthPort): Promise<McpOAuthProvider> {
    const provider = new McpOAuthProvider(server, port, undefined);
    if (port.open !== undefined) {
      const registered = provider.kept().redirectUrl;
      const previous = registered === undefined ? undefined : Number(new URL(registered).port);
      provider.loopback = await startLoopback(server.name, previous);
    }
    return provider;
  }

  get redirectUrl(): string {
    return this.loopback?.url ?? this.kept().redirectUrl ?? 'http://127.0.0.1/callback';
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Looplab',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    };
  }

  state(): string {
    return this.expectedState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    const kept = this.kept();
    // A registration made for another redirect than the one listening now is registered again.
    if (kept.redirectUrl !== this.redirectUrl) return undefined;
    return kept.client as OAuthClientInformationMixed | undefined;
  }

  saveClientInformation(client: OAuthClientInformationMixed): void {
    if (this.port.open === undefined) throw needsSignIn(this.server);
    this.keep({ ...this.kept(), client, redirectUrl: this.redirectUrl });
  }

  tokens(): OAuthTokens | undefined {
    return this.kept().tokens as OAuthTokens | undefined;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.keep({ ...this.kept(), tokens });
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    if (this.port.open === undefined || this.loopback === undefined) throw needsSignIn(this.server);
    this.asked = true;
    await this.port.open(url, this.server.name);
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error('No sign-in was started, so there is no PKCE verifier.');
    return this.verifier;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    const { client, tokens, ...kept } = this.kept();
    if (scope === 'verifier' || scope === 'discovery') return;
    this.keep({ ...kept, ...(scope === 'tokens' ? { client } : scope === 'client' ? { tokens } : {}) });
  }

  /** The code the person's browser brought back, once they were sent to authorize; else undefined. */
  async authorizationCode(): Promise<string | undefined> {
    if (!this.asked || this.loopback === undefined) return undefined;
    this.asked = false;
    return this.loopback.code(this.expectedState);
  }

  /** Stops listening for the redirect: a sign-in needed later says how to sign in. */
  async done(): Promise<void> {
    const loopback = this.loopback;
    this.loopback = undefined;
    await loopback?.close();
  }

  private kept(): Kept {
    const value = this.port.secrets.get(oauthSecret(this.server.name));
    const parsed = value === undefined ? undefined : keptSchema.safeParse(parseJson(value));
    // Tokens for another URL under the same name are not sent there.
    if (parsed?.success !== true || parsed.data.url !== this.server.url) return { url: this.server.url };
    return parsed.data;
  }

  private keep(kept: Kept): void {
    this.port.secrets.set(oauthSecret(this.server.name), JSON.stringify(kept));
  }
}

export function needsSignIn(server: { name: string; url: string }): AppError {
  return new AppError(
    'unavailable',
    `The MCP server ${server.name} (${server.url}) asks you to sign in (OAuth), and there is no one to ask here.`,
    `Sign in once with \`looplab mcp login ${server.name}\` or by starting a run with it in the app; Looplab keeps the token in its secret store and uses it from then on.`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
