import type { PullProgress } from '@sentinel-kit/core';

/** One line of the engine's pull stream (`POST /images/create`). */
export type PullEvent = Record<string, unknown>;

/** Minimal view of docker-modem's `followProgress`. */
export type FollowProgress = (
  stream: NodeJS.ReadableStream,
  onFinished: (error: Error | null, output: PullEvent[]) => void,
  onProgress: (event: PullEvent) => void,
) => void;

/**
 * The progress a pull line reports, or `undefined` for lines that are not progress
 * (error lines carry `error`/`errorDetail` and no `status`).
 *
 * @example
 * toPullProgress({ status: 'Downloading', id: 'a1b2', progressDetail: { current: 5, total: 9 } })
 * // { status: 'Downloading', layer: 'a1b2', current: 5, total: 9 }
 */
export function toPullProgress(event: PullEvent): PullProgress | undefined {
  const status = event['status'];
  if (typeof status !== 'string' || status === '') return undefined;
  const progress: PullProgress = { status };
  const id = event['id'];
  if (typeof id === 'string' && id !== '') progress.layer = id;
  const detail = event['progressDetail'];
  if (typeof detail === 'object' && detail !== null) {
    const { current, total } = detail as { current?: unknown; total?: unknown };
    if (typeof current === 'number' && Number.isFinite(current)) progress.current = current;
    if (typeof total === 'number' && Number.isFinite(total)) progress.total = total;
  }
  return progress;
}

export interface FollowPullOptions {
  /** Give up when the engine sends nothing for this long (a frozen engine mid-pull). */
  idleMs: number;
  onProgress?: ((progress: PullProgress) => void) | undefined;
}

/**
 * Read a pull stream to its end: every line, in order. Progress lines go to
 * `onProgress` while the promise is pending (never after it settles; a callback
 * that throws is ignored, because it runs inside the stream's event handler where
 * a throw would crash the process). Rejects with a `TimeoutError` when the stream
 * stays silent for `idleMs`, destroying it.
 */
export function followPull(follow: FollowProgress, stream: NodeJS.ReadableStream & { destroy?: (error?: Error) => void }, options: FollowPullOptions): Promise<PullEvent[]> {
  return new Promise<PullEvent[]>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.removeListener('data', arm);
      finish();
    };
    function arm(): void {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const error = Object.assign(new Error(`the engine sent nothing for ${options.idleMs} ms during the pull`), { name: 'TimeoutError' });
        settle(() => reject(error));
        // Destroying the response closes the connection; followProgress then finishes on its own, unheard.
        stream.destroy?.(error);
      }, options.idleMs);
    }
    stream.on('data', arm);
    arm();
    follow(
      stream,
      (error, output) => settle(() => (error ? reject(error) : resolve(output ?? []))),
      (event) => {
        if (settled || options.onProgress === undefined) return;
        const progress = toPullProgress(event);
        if (progress === undefined) return;
        try {
          options.onProgress(progress);
        } catch {
          // A listener's failure must not end the pull (nor the process).
        }
      },
    );
  });
}
