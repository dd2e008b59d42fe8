// One command at a time per session: a FIFO per session key. A waiter whose signal aborts leaves the
// queue at once.
export class SessionLocks {
  private readonly locks = new Map<string, Promise<void>>();

  /** Whether a command holds or waits for the session. */
  busy(key: string): boolean {
    return this.locks.has(key);
  }

  /** FIFO per session: one command at a time, the rest wait in order (or leave when aborted). */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    const done = () => {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    };
    try {
      await abortable(previous, signal);
    } catch (e) {
      done();
      throw e;
    }
    return done;
  }

  async withLock(key: string, work: () => Promise<void>): Promise<void> {
    const release = await this.acquire(key);
    try {
      await work();
    } finally {
      release();
    }
  }
}

function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
