export { createAuthorizer, findCredential, resolvePrincipal } from './authorizer.js';
export { getPrincipal, requireUser, setPrincipal, authContext, setAuthContext } from './context.js';
export type { AuthHttpContext } from './context.js';
export { SESSION_COOKIE, CSRF_COOKIE, setSessionCookies, clearSessionCookies, sessionCookie } from './cookies.js';
export { issueSession } from './issue-session.js';
export { clientIp, isSecureRequest, userAgent } from './request-info.js';
export { setupGate, SETUP_REQUIRED_MESSAGE } from './setup-gate.js';
export { withRetryAfter } from './retry-after.js';
