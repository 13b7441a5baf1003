import { describe, expect, it } from 'vitest';
import { RateLimitError } from '@sentinel-kit/client';
import { createV1Fixture } from './v1-fixture.js';

describe('/api/v1 rate limits', () => {
  it('counts requests per client address per minute, with X-RateLimit-* on every answer and 429 past the limit', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { trustProxy: true, apiV1: { rateLimit: { perIpPerMinute: 3, perUserPerHour: 1000 } } } });
    const from = (ip: string, path = '/api/v1/systems') => f.app.request(path, { headers: { authorization: `Bearer ${f.jwt}`, 'x-forwarded-for': ip } });
    const windowEnd = String(Math.ceil((f.clock.now() + 60_000) / 1000));
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await from('203.0.113.7'));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0']);
    expect(answers[0]?.headers.get('x-ratelimit-limit')).toBe('3');
    expect(answers[0]?.headers.get('x-ratelimit-reset')).toBe(windowEnd);

    const refused = await from('203.0.113.7');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toEqual({ detail: 'rate limit exceeded (3 requests per minute per client address); retry in 60 s', error_code: 'RATE_LIMITED', status_code: 429 });
    // Errors and unknown paths count and carry the headers too.
    const unknown = await from('198.51.100.1', '/api/v1/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-ratelimit-remaining')).toBe('2');
    // Another address has its own window; native routes are not limited.
    expect((await from('198.51.100.2')).status).toBe(200);
    const native = await f.app.request('/api/health', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(native.headers.get('x-ratelimit-limit')).toBeNull();

    await f.manual?.advance(60_000);
    const next = await from('203.0.113.7');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('counts requests per user per hour whatever the address, across JWTs and API keys of the user', async () => {
    const f = await createV1Fixture({ manualClock: true, app: { apiV1: { rateLimit: { perIpPerMinute: 100, perUserPerHour: 4 } } } });
    const key = await f.api.v1.apiKeys.create({ name: 'ci' });
    const viaKey = f.client({ apiKey: key.key });
    await viaKey.v1.systems.list();
    await f.api.v1.systems.list();
    const res = await f.app.request('/api/v1/systems', { headers: { 'x-api-key': key.key } });
    expect(res.headers.get('x-ratelimit-limit')).toBe('4');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((f.clock.now() + 3_600_000) / 1000)));
    const error = await f.api.v1.systems.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect((error as RateLimitError).body).toMatchObject({ error_code: 'RATE_LIMITED', status_code: 429 });
    // Another user is not affected.
    const admin = f.client({ token: f.adminToken });
    await admin.users.create({ username: 'second', password: 'second-password-1', role_id: 'viewer' });
    const other = f.client({ token: (await f.client().v1.auth.token({ username: 'second', password: 'second-password-1' })).access_token });
    expect((await other.v1.systems.list()).status).toBe('success');
    await f.manual?.advance(3_600_000);
    expect((await f.api.v1.systems.list()).status).toBe('success');
  });

  it('can be turned off', async () => {
    const f = await createV1Fixture({ app: { trustProxy: true, apiV1: { rateLimit: false } } });
    const res = await f.app.request('/api/v1/systems', { headers: { authorization: `Bearer ${f.jwt}`, 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  });
});
