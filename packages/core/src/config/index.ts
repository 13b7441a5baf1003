export { parseDuration, formatGoDuration, msToNanoseconds } from './duration.js';
