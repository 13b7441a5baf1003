import { useEffect, useState } from 'preact/hooks';

/** The current route: the part of the URL after `#`, e.g. `/queue` or `/logs/nginx` (hash routing keeps every API path free). */
export function currentRoute(): string {
  const hash = location.hash.replace(/^#/, '');
  return hash === '' ? '/' : hash;
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const onChange = (): void => setRoute(currentRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** `href` of a route. */
export const href = (route: string): string => `#${route}`;

export function navigate(route: string): void {
  location.hash = route;
}
