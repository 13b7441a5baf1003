import { afterEach, describe, expect, it } from 'vitest';
import { createAppFixture } from './support/app-fixture.js';
import type { AppFixture } from './support/app-fixture.js';

let fx: AppFixture;
afterEach(() => fx.close());

const post = (path: string, body?: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fx.app.request(path, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

describe('native API error format', () => {
  it('answers bad input with {"error": …} and changes nothing', async () => {
    fx = createAppFixture();
    fx.publish('web', '1.0.0');
    fx.docker.seedContainer({ name: 'web', image: 'registry.test/web:1.0.0' });
    const cases: Array<[Response | Promise<Response>, number]> = [
      [post('/api/containers/web/policy', '{"policy": "yolo"}'), 400],
      [post('/api/containers/web/policy', '{"policy": '), 400],
      [post('/api/containers/web/policy', '{"policy": "auto", "extra": 1}'), 400],
      [post('/api/containers/nope/policy', '{"policy": "auto"}'), 404],
      [post('/api/containers/web/update-to-version', '{"tag": "bad tag"}'), 400],
      [post('/api/bulk/policy', '{"containers": [], "policy": "auto"}'), 400],
      [fx.app.request('/api/history?limit=0'), 400],
      [fx.app.request('/api/history?limit=201'), 400],
      [fx.app.request('/api/history?before=yesterday'), 400],
      [fx.app.request('/api/containers/web/logs?lines=501'), 400],
      [fx.app.request('/api/containers/-bad/logs'), 400],
      [post('/api/approve/web'), 404],
      [post('/api/update/ghost'), 404],
      [fx.app.request('/api/no-such-route'), 404],
      [fx.app.request('/api/containers/web?host=remote-1'), 501],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      const body = (await res.json()) as Record<string, unknown>;
      expect({ url: res.url, status: res.status }).toMatchObject({ status });
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error).toBe('string');
    }
    expect((await fx.sentinel.getContainer('web')).policy_source).toBe('default');
    expect(await fx.sentinel.listHistory({ limit: 10 })).toEqual([]);
  });

  it('refuses an oversized body with 413', async () => {
    fx = createAppFixture({ app: { bodyLimitBytes: 1024 } });
    fx.publish('web', '1.0.0');
    fx.docker.seedContainer({ name: 'web', image: 'registry.test/web:1.0.0' });
    const res = await post('/api/containers/web/policy', JSON.stringify({ policy: 'auto', pad: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: expect.stringContaining('too large') });
    expect((await fx.sentinel.getContainer('web')).policy_source).toBe('default');
  });

  it('answers the documented shapes for stats, last-scan, scan and queue count', async () => {
    fx = createAppFixture();
    fx.publish('web', '1.0.0');
    fx.publish('web', '1.0.1');
    fx.docker.seedContainer({ name: 'web', image: 'registry.test/web:1.0.0' });
    expect(await (await fx.app.request('/api/last-scan')).json()).toEqual({ last_scan: null });
    expect(await (await post('/api/scan')).json()).toEqual({ message: 'Scan started' });
    await fx.sentinel.idle();
    expect(await (await fx.app.request('/api/stats')).json()).toEqual({ total: 1, running: 1, pending: 1 });
    expect(await (await fx.app.request('/api/queue/count')).json()).toEqual({ count: 1 });
    const last = (await (await fx.app.request('/api/last-scan')).json()) as { last_scan: string };
    expect(Number.isNaN(Date.parse(last.last_scan))).toBe(false);
    const csv = await (await fx.app.request('/api/history/export?format=csv')).text();
    expect(csv.split('\r\n')[0]).toBe('timestamp,container,type,old_image,new_image,outcome,duration_s,error,host_id,host_name');
  });
});

/** Read SSE frames from a response until `count` frames or the deadline. */
async function readFrames(res: Response, count: number, deadlineMs = 3000): Promise<string[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: string[] = [];
  const deadline = Date.now() + deadlineMs;
  while (frames.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))]);
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let idx: number;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      frames.push(buffer.slice(0, idx));
      buffer = buffer.slice(idx + 2);
    }
  }
  await reader.cancel();
  return frames;
}

const field = (frame: string, name: string): string | undefined =>
  frame
    .split('\n')
    .find((l) => l.startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();

describe('SSE /api/events', () => {
  it('sends connected first, then events with increasing ids and the documented payload', async () => {
    fx = createAppFixture();
    const controller = new AbortController();
    const res = await fx.app.request('/api/events', { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    fx.sentinel.events.publish({ type: 'scan_complete', message: 'Scan complete' });
    fx.sentinel.events.publish({ type: 'container_update', container_name: 'nginx', message: 'Update available' });
    const frames = await readFrames(res, 3);
    controller.abort();
    expect(field(frames[0] ?? '', 'event')).toBe('connected');
    expect(field(frames[0] ?? '', 'data')).toBe('{}');
    expect(frames.slice(1).map((f) => field(f, 'event'))).toEqual(['scan_complete', 'container_update']);
    const ids = frames.slice(1).map((f) => Number(field(f, 'id')));
    expect(ids[1]).toBeGreaterThan(ids[0] as number);
    const payload = JSON.parse(field(frames[2] ?? '', 'data') ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'container_update', container_name: 'nginx', message: 'Update available', host_id: '', host_name: '' });
    expect(Number.isNaN(Date.parse(payload.timestamp as string))).toBe(false);
  });

  it('replays what was missed after Last-Event-ID', async () => {
    fx = createAppFixture();
    const first = fx.sentinel.events.publish({ type: 'scan_complete', message: 'one' });
    fx.sentinel.events.publish({ type: 'scan_complete', message: 'two' });
    fx.sentinel.events.publish({ type: 'scan_complete', message: 'three' });
    const controller = new AbortController();
    const res = await fx.app.request('/api/events', { headers: { 'Last-Event-ID': String(first.id) }, signal: controller.signal });
    const frames = await readFrames(res, 3);
    controller.abort();
    expect(frames.slice(1).map((f) => JSON.parse(field(f, 'data') ?? '{}').message)).toEqual(['two', 'three']);
    const bad = await fx.app.request('/api/events', { headers: { 'Last-Event-ID': 'abc' } });
    expect(bad.status).toBe(400);
  });

  it('sends keep-alive comments and unsubscribes when the client disconnects', async () => {
    fx = createAppFixture({ app: { sse: { keepAliveMs: 50 } } });
    const controller = new AbortController();
    const res = await fx.app.request('/api/events', { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const deadline = Date.now() + 3000;
    while (!text.includes(': keep-alive') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain(': keep-alive');
    expect(fx.sentinel.events.subscriberCount()).toBe(1);
    await reader.cancel();
    controller.abort();
    const until = Date.now() + 3000;
    while (fx.sentinel.events.subscriberCount() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(fx.sentinel.events.subscriberCount()).toBe(0);
  });
});
