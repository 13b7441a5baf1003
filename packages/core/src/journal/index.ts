export { asideName, isAsideName, parseAsideName } from './aside-name.js';
export { createUpdateJournal, hasStep, lastStep, JOURNAL_STEPS } from './journal.js';
export type { JournalEntry, JournalStep, NewJournalEntry, UpdateJournal } from './journal.js';
export { recoverEntry, settleOrphanedAside } from './recover-journal.js';
export type { RecoveryDeps, RecoveryOutcome } from './recover-journal.js';
