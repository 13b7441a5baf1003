export { parseDuration, formatGoDuration, compactGoDuration, msToNanoseconds } from './duration.js';
