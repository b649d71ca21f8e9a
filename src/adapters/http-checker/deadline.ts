import type { Socket } from 'node:net';

/**
 * The one timer of a check. It covers everything from the first DNS lookup to the last body
 * byte, across redirects: when it fires, the socket in use is destroyed, which ends whatever
 * step was waiting on it.
 */
export class Deadline {
  readonly timeoutMs: number;
  /** Resolves when the time is up; never rejects. */
  readonly reached: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private socket: Socket | null = null;
  private expired = false;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
    this.reached = new Promise<void>((resolve) => {
      this.timer = setTimeout(() => {
        this.expired = true;
        this.socket?.destroy();
        resolve();
      }, timeoutMs);
    });
  }

  /** The socket the check is using now; an earlier one is the caller's to close. */
  track(socket: Socket): void {
    this.socket = socket;
    if (this.expired) socket.destroy();
  }

  /** Stops the timer and closes the tracked socket, whatever state the check ended in. */
  finish(): void {
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = null;
  }
}
