/** Small promise helpers for waits that must end: delays that can be cut short, and deadlines. */

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `message` after `ms` unless `promise` settles first; its late result is ignored. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${message} (after ${ms} ms)`));
    }, ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * A sleep that `wake()` ends early: the pause of a loop that must react at once to new work or
 * to a stop. `wake` before `sleep` makes the next sleep return immediately.
 */
export class Alarm {
  private pending: (() => void) | undefined;
  private woken = false;

  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.pending = finish;
    });
  }

  wake(): void {
    if (this.pending === undefined) this.woken = true;
    else this.pending();
  }
}
