import type { V1ErrorBody } from '@sentinel-kit/core/contract';

/** Where the audit & compliance API (seed 004) lives. */
export const V1_PREFIX = '/api/v1';

/** Whether a request path belongs to the audit & compliance API. */
export function isV1Path(path: string): boolean {
  return path === V1_PREFIX || path.startsWith(`${V1_PREFIX}/`);
}

/** The seed's `error_code` of each status (`NOT_FOUND` as documented; the others in the same style). */
const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  502: 'UPSTREAM_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** `VALIDATION_ERROR`: a parameter or body field failed validation (400). */
export const VALIDATION_ERROR = 'VALIDATION_ERROR';

export function v1ErrorCode(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
}

/** `{"detail": "Agent not found", "error_code": "NOT_FOUND", "status_code": 404}`. */
export function v1ErrorBody(status: number, detail: string, code?: string): V1ErrorBody {
  return { detail, error_code: code ?? v1ErrorCode(status), status_code: status };
}
