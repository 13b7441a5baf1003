import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ports/clock.js';
import { createLoginThrottle } from './login-throttle.js';

describe('login throttle', () => {
  it('locks a username after 5 failures and unlocks it by itself after the lock-out', async () => {
    const clock = createManualClock();
    const throttle = createLoginThrottle(clock);
    for (let i = 0; i < 4; i++) {
      throttle.recordFailure({ ip: `10.0.0.${i}`, username: 'alice' });
      expect(throttle.retryAfter({ ip: '10.0.0.99', username: 'alice' })).toBeUndefined();
    }
    throttle.recordFailure({ ip: '10.0.0.5', username: 'Alice ' });
    // Locked for 15 minutes, from any address, whatever the case of the name.
    expect(throttle.retryAfter({ ip: '10.9.9.9', username: 'ALICE' })).toBe(15 * 60_000);
    expect(throttle.retryAfter({ ip: '10.9.9.9', username: 'bob' })).toBeUndefined();
    await clock.advance(10 * 60_000);
    expect(throttle.retryAfter({ username: 'alice' })).toBe(5 * 60_000);
    await clock.advance(5 * 60_000);
    expect(throttle.retryAfter({ username: 'alice' })).toBeUndefined();
  });

  it('forgets failures older than the window', async () => {
    const clock = createManualClock();
    const throttle = createLoginThrottle(clock);
    for (let i = 0; i < 4; i++) throttle.recordFailure({ username: 'alice' });
    await clock.advance(16 * 60_000);
    throttle.recordFailure({ username: 'alice' });
    expect(throttle.retryAfter({ username: 'alice' })).toBeUndefined();
  });

  it('locks an IP after 20 failures across usernames', () => {
    const clock = createManualClock();
    const throttle = createLoginThrottle(clock);
    for (let i = 0; i < 19; i++) throttle.recordFailure({ ip: '192.0.2.1', username: `user${i}` });
    expect(throttle.retryAfter({ ip: '192.0.2.1', username: 'someone' })).toBeUndefined();
    throttle.recordFailure({ ip: '192.0.2.1', username: 'user19' });
    expect(throttle.retryAfter({ ip: '192.0.2.1', username: 'someone' })).toBe(15 * 60_000);
    expect(throttle.retryAfter({ ip: '192.0.2.2', username: 'someone' })).toBeUndefined();
  });

  it('a success clears the username counter but not the IP counter', () => {
    const clock = createManualClock();
    const throttle = createLoginThrottle(clock, { perIp: { maxFailures: 6, windowMs: 60_000, lockoutMs: 60_000 } });
    for (let i = 0; i < 4; i++) throttle.recordFailure({ ip: '192.0.2.1', username: 'alice' });
    throttle.recordSuccess({ ip: '192.0.2.1', username: 'alice' });
    throttle.recordFailure({ ip: '192.0.2.1', username: 'alice' });
    expect(throttle.retryAfter({ username: 'alice' })).toBeUndefined();
    throttle.recordFailure({ ip: '192.0.2.1', username: 'carol' });
    expect(throttle.retryAfter({ ip: '192.0.2.1' })).toBe(60_000);
  });

  it('still counts recent addresses after older ones are forgotten to bound memory', () => {
    const clock = createManualClock();
    const throttle = createLoginThrottle(clock, { maxKeys: 100 });
    for (let i = 0; i < 1000; i++) throttle.recordFailure({ ip: `ip-${i}` });
    // The newest keys are still counted.
    for (let i = 0; i < 19; i++) throttle.recordFailure({ ip: 'ip-999' });
    expect(throttle.retryAfter({ ip: 'ip-999' })).toBe(15 * 60_000);
  });
});
