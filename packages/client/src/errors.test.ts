import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  isApiError,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  NotFoundError,
  NotImplementedError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
} from './errors.js';

describe('ApiError.generate', () => {
  it.each([
    [400, BadRequestError, 'BadRequestError'],
    [401, AuthenticationError, 'AuthenticationError'],
    [403, PermissionDeniedError, 'PermissionDeniedError'],
    [404, NotFoundError, 'NotFoundError'],
    [409, ConflictError, 'ConflictError'],
    [413, PayloadTooLargeError, 'PayloadTooLargeError'],
    [429, RateLimitError, 'RateLimitError'],
    [500, InternalServerError, 'InternalServerError'],
    [501, NotImplementedError, 'NotImplementedError'],
    [502, InternalServerError, 'InternalServerError'],
    [503, InternalServerError, 'InternalServerError'],
    [418, ApiError, 'ApiError'],
  ] as const)('maps %i to %s', (status, cls, name) => {
    const error = ApiError.generate(status, { error: `boom ${status}` });
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`boom ${status}`);
    expect(error.body).toEqual({ error: `boom ${status}` });
  });

  it('reads the message of every surface body, and falls back to a status message', () => {
    expect(ApiError.generate(404, { detail: 'Agent not found', error_code: 'NOT_FOUND', status_code: 404 }).message).toBe('Agent not found');
    expect(ApiError.generate(400, { message: 'bad attribute', code: 'INVALID' }).message).toBe('bad attribute');
    expect(ApiError.generate(500, '<html>bad gateway</html>').message).toBe('request failed with status 500');
    expect(ApiError.generate(400, { other: 'x' }).message).toBe('request failed with status 400');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const seconds = ApiError.generate(429, { error: 'slow down' }, { headers: new Headers({ 'Retry-After': '12' }) });
    expect(seconds).toBeInstanceOf(RateLimitError);
    expect((seconds as RateLimitError).retryAfter).toBe(12);
    const date = ApiError.generate(429, {}, { headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } }) as RateLimitError;
    expect(date.retryAfter).toBeGreaterThan(50);
    expect(date.retryAfter).toBeLessThanOrEqual(61);
    expect((ApiError.generate(429, {}) as RateLimitError).retryAfter).toBeUndefined();
  });

  it('redacts credentials from the stored request and drops response cookies', () => {
    const error = ApiError.generate(
      401,
      { error: 'token expired' },
      {
        headers: { 'set-cookie': 'sentinel_session=abc', 'x-request-id': 'r1' },
        request: { method: 'POST', url: 'http://h/api/scan', headers: { Authorization: 'Bearer sntkn_secret', 'X-CSRF-Token': 'c', 'X-Trace': 't' } },
      },
    );
    expect(error.request?.headers).toEqual({ authorization: '[REDACTED]', 'x-csrf-token': '[REDACTED]', 'x-trace': 't' });
    expect(error.headers).toEqual({ 'x-request-id': 'r1' });
    expect(inspect(error, { depth: 10 })).not.toMatch(/sntkn_secret|sentinel_session=abc/);
  });
});

describe('type guards', () => {
  it('recognise errors by instanceof and by name (another copy of the package)', () => {
    expect(isApiError(new NotFoundError(404, { error: 'x' }))).toBe(true);
    expect(isApiError({ name: 'NotFoundError', status: 404, message: 'x' })).toBe(true);
    expect(isApiError({ name: 'NotFoundError' })).toBe(false);
    expect(isApiError(new Error('x'))).toBe(false);
    expect(isNetworkError(new NetworkError('down'))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { name: 'NetworkError' }))).toBe(true);
    expect(isTimeoutError(new TimeoutError('slow', { timeoutMs: 5 }))).toBe(true);
    // ky's own TimeoutError has the same name but no timeoutMs: it is never what this client throws.
    expect(isTimeoutError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(false);
    expect(isApiError(null)).toBe(false);
  });
});
