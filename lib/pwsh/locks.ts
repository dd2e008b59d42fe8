// One command at a time per session: a mutex per session key (async-mutex queues waiters in order).
// A waiter whose signal aborts leaves at once; its turn, when it comes, is passed straight on.
import { Mutex, type MutexInterface } from 'async-mutex';

export class SessionLocks {
  private readonly mutexes = new Map<string, Mutex>();

  private mutex(key: string): Mutex {
    let m = this.mutexes.get(key);
    if (!m) this.mutexes.set(key, (m = new Mutex()));
    return m;
  }

  /** Whether a command holds or waits for the session. */
  busy(key: string): boolean {
    return this.mutexes.get(key)?.isLocked() ?? false;
  }

  /** Waits for the session's turn; rejects with the signal's reason when aborted first. */
  async acquire(key: string, signal?: AbortSignal): Promise<MutexInterface.Releaser> {
    const turn = this.mutex(key).acquire();
    if (!signal) return turn;
    if (signal.aborted) {
      void turn.then((release) => release());
      throw signal.reason;
    }
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([turn, aborted]);
    } catch (e) {
      void turn.then((release) => release());
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async withLock(key: string, work: () => Promise<void>): Promise<void> {
    await this.mutex(key).runExclusive(work);
  }
}
