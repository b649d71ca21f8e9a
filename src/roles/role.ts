export const ROLE_NAMES = ['api', 'scheduler', 'worker', 'recorder', 'alerter'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/**
 * A running part of the service. `start` resolves once the role takes work; `stop` stops taking
 * work, finishes or hands back what it holds (writes pending results, lets running checks end
 * within their grace), and resolves when nothing of it is left running.
 */
export interface Role {
  readonly name: RoleName | (string & {});
  start(): Promise<void>;
  stop(): Promise<void>;
}
