import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar.js';

const headers = (...cookies: string[]): Headers => {
  const h = new Headers();
  for (const c of cookies) h.append('set-cookie', c);
  return h;
};

describe('CookieJar', () => {
  it('keeps the cookies a server sets and sends them back', () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.capture(headers('sentinel_session=snses_abc; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax', 'sentinel_csrf=xyz; Max-Age=604800; Path=/; SameSite=Lax'));
    expect(jar.get('sentinel_csrf')).toBe('xyz');
    expect(jar.header()).toBe('sentinel_session=snses_abc; sentinel_csrf=xyz');
  });

  it('forgets a cookie the server expires', () => {
    const jar = new CookieJar();
    jar.capture(headers('sentinel_session=a; Path=/', 'sentinel_csrf=b; Path=/'));
    jar.capture(headers('sentinel_session=; Max-Age=0; Path=/', 'sentinel_csrf=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/'));
    expect(jar.header()).toBeUndefined();
  });
});
