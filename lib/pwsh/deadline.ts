// A command's deadline and cancellation. Either stops the session (never the pool): its state is
// unknown afterwards.
import { PwshTimeoutError } from './errors';

/** `work`, or a PwshTimeoutError after `timeoutMs`, or the signal's reason; `stop` is told why it stopped early. */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, stop: (reason: string) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      stop('the command was cancelled');
      reject(signal!.reason instanceof Error ? signal!.reason : new DOMException('The command was cancelled.', 'AbortError'));
    };
    const timer = setTimeout(() => {
      cleanup();
      stop(`a command ran past its ${timeoutMs} ms timeout`);
      reject(new PwshTimeoutError(timeoutMs, 'The command'));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e) => {
        cleanup();
        reject(e);
      },
    );
  });
}
