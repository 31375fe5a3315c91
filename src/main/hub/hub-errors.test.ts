// How a failure is told apart: the Hub out of reach (the cache may answer), an answer of the wrong
// shape (named), and this machine's own failure while writing a download.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyHubError } from './hub-errors';

const context = { hubUrl: 'https://hub.example', hasToken: false, notes: {}, library: undefined };
const subject = { what: 'the file data.csv of dataset acme/tickets' };
const classify = (error: unknown) => {
  const { error: appError, unreachable } = classifyHubError(error, subject, context);
  return { message: appError.message, unreachable };
};

describe('classifyHubError', () => {
  it('reads fetch’s own failures as a Hub out of reach', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    expect(classify(new TypeError('fetch failed', { cause: refused }))).toEqual({
      message: 'The Hub at https://hub.example cannot be reached (connection refused).',
      unreachable: true,
    });
    expect(classify(new DOMException('The operation timed out.', 'TimeoutError')).message).toBe(
      'The Hub at https://hub.example cannot be reached (the request timed out).',
    );
  });

  it('names what was unexpected in an answer instead of calling the Hub unreachable', () => {
    expect(classify(new TypeError('items is not iterable')).message).toBe(
      'The Hub at https://hub.example answered something unexpected for the file data.csv of dataset acme/tickets (items is not iterable).',
    );
    const shape = z.object({ id: z.string() }).safeParse({ id: 4 });
    expect(classify(shape.error).message).toBe(
      'The Hub at https://hub.example answered something unexpected for the file data.csv of dataset acme/tickets (id: Invalid input: expected string, received number).',
    );
  });

  it('says a full disk is this machine’s failure, with no cached answer standing in', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
    });
    expect(classify(full)).toEqual({
      message:
        'Writing the file data.csv of dataset acme/tickets failed on this machine (ENOSPC: no space left on device, write).',
      unreachable: false,
    });
  });
});
