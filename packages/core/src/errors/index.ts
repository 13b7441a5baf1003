export {
  SentinelError,
  InvalidError,
  NotFoundError,
  ConflictError,
  ForbiddenError,
  UpstreamError,
  RateLimitedError,
  UnavailableError,
  NotImplementedError,
  isSentinelError,
  errorMessage,
} from './sentinel-error.js';
export type { SentinelErrorCode } from './sentinel-error.js';
