// How the web bridge answers: JSON bodies in the contract's result shape, always with the security
// headers that keep the page to its own origin.
import type { ApiResult } from '../../shared/contract';
import type { ErrorInfo } from '../../shared/errors';
import type { ServerResponse } from 'node:http';

export const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export function failure(code: ErrorInfo['code'], message: string, hint?: string): ApiResult<never> {
  return { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...securityHeaders });
  response.end(JSON.stringify(body));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
