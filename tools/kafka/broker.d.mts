/** Types of broker.mjs, for the TypeScript tests that start their own broker. */
export interface RunningBroker {
  /** `127.0.0.1:PORT`, for KAFKA_BROKERS. */
  readonly brokers: string;
  readonly pid: number;
  /** The run directory: starting a broker on it again restarts this broker with its data. */
  readonly dir: string;
  /** SIGTERM (controlled shutdown), SIGKILL after 30 s. */
  stop(): Promise<void>;
}

export function startBroker(options?: { dir?: string; port?: number }): Promise<RunningBroker>;
export function stopBroker(pid: number): Promise<void>;
