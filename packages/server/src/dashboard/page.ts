/**
 * The one HTML page of the dashboard: a shell that loads the bundle. Every
 * screen is drawn by the browser code from the JSON API, so the page holds no
 * data and is the same for every visitor, signed in or not.
 */
export function renderShell(version: string): string {
  const v = encodeURIComponent(version);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<title>Sentinel Kit</title>',
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="/ui/app.css?v=${v}">`,
    `<script type="module" src="/ui/app.js?v=${v}"></script>`,
    '</head>',
    '<body>',
    '<div id="app"><main class="boot"><h1>Sentinel Kit</h1><noscript><p>The dashboard needs JavaScript. The API is at <a href="/docs">/docs</a>.</p></noscript></main></div>',
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * Headers of every dashboard response. The policy allows nothing from
 * elsewhere: scripts, styles, images and connections stay on this origin
 * (`data:` images for the TOTP QR code).
 */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};
