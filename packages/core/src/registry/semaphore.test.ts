import { describe, expect, it } from 'vitest';
import { createSemaphore } from './semaphore.js';

describe('createSemaphore', () => {
  it('hands out at most `limit` slots and serves waiters first come, first served', async () => {
    const s = createSemaphore(2);
    const order: number[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    const waiters = [1, 2, 3].map((i) => s.acquire().then((release) => (order.push(i), release)));
    await Promise.resolve();
    expect(s.active).toBe(2);
    expect(s.waiting).toBe(3);
    a();
    a(); // releasing twice must not free a second slot
    const r1 = await waiters[0];
    expect(order).toEqual([1]);
    expect(s.waiting).toBe(2);
    b();
    r1?.();
    await Promise.all(waiters).then((rs) => rs.forEach((r) => r()));
    expect(order).toEqual([1, 2, 3]);
    expect(s.active).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => createSemaphore(0)).toThrow(RangeError);
  });
});
