import type { ImportSummary } from '../contract/inventory.js';
import { InvalidError } from '../errors/index.js';

export interface ImportProgress {
  source: 'nvd' | 'osv' | 'kev';
  /** Records read so far. */
  processed: number;
  /** Records in the input, when the input says (NVD `resultsPerPage` / array length). */
  total: number | undefined;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface ImportOptions {
  /** Called every `progressEvery` records and once at the end. */
  onProgress?: (progress: ImportProgress) => void;
  /** @default 1000 */
  progressEvery?: number;
}

const MAX_SKIPPED_EXAMPLES = 100;

/** The counters of one import and its progress reports. */
export class ImportRun {
  readonly summary: ImportSummary;
  total: number | undefined;
  private readonly every: number;

  constructor(
    readonly source: 'nvd' | 'osv' | 'kev',
    private readonly options: ImportOptions,
  ) {
    this.summary = {
      source,
      processed: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      removed: 0,
      skipped_reasons: {},
      skipped_examples: [],
      changed_ids: [],
      warnings: 0,
    };
    const every = options.progressEvery ?? 1000;
    if (!Number.isInteger(every) || every < 1) throw new InvalidError('progressEvery must be a positive integer');
    this.every = every;
  }

  skip(id: string | null, reason: string): void {
    this.summary.skipped++;
    this.summary.skipped_reasons[reason] = (this.summary.skipped_reasons[reason] ?? 0) + 1;
    if (this.summary.skipped_examples.length < MAX_SKIPPED_EXAMPLES) this.summary.skipped_examples.push({ id, reason });
  }

  tick(force = false): void {
    if (this.options.onProgress === undefined) return;
    if (!force && this.summary.processed % this.every !== 0) return;
    const { processed, added, updated, unchanged, skipped } = this.summary;
    this.options.onProgress({ source: this.source, processed, total: this.total, added, updated, unchanged, skipped });
  }
}
