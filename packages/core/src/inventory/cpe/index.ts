export {
  CPE_ATTRIBUTES,
  ANY,
  NA,
  isLogicalValue,
  createWfn,
  lowercaseWfn,
  quoteCpeValue,
  unquoteCpeValue,
  hasUnquotedWildcard,
  cpeValueText,
  parseCpe,
  tryParseCpe,
  formatCpe,
  formatWfn,
} from './cpe-name.js';
export type { CpeAttribute, CpeLogicalValue, CpeValue, Wfn } from './cpe-name.js';
export { compareCpeValues, compareCpe, cpeMatches, isWildcardValue } from './cpe-match.js';
export type { CpeRelation, CpeComparison } from './cpe-match.js';
