import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChecksTopic } from '../../../src/domain/events.js';

/** What a test sees of a group member running in another process. */
export interface Member {
  readonly ready: boolean;
  readonly owned: readonly number[];
  readonly handled: ReadonlySet<number>;
  /** SIGKILL: no leave, no commit; the group learns of it only by the session timeout. */
  kill(): void;
}

/** A member of `groupId` in another process (kafka-member.ts), on a bus with these settings. */
export function startMember(
  topic: ChecksTopic,
  groupId: string,
  bus: { readonly brokers: readonly string[]; readonly topicPrefix: string },
): Member {
  const script = fileURLToPath(new URL('kafka-member.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, topic, groupId], {
    env: {
      ...process.env,
      KAFKA_BROKERS: bus.brokers.join(','),
      KAFKA_TOPIC_PREFIX: bus.topicPrefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const state = { ready: false, owned: [] as readonly number[], handled: new Set<number>() };
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as { ready?: true; partitions?: number[]; handled?: number[] };
    if (event.ready === true) state.ready = true;
    if (event.partitions !== undefined) state.owned = event.partitions;
    for (const s of event.handled ?? []) state.handled.add(s);
  });
  return {
    get ready() {
      return state.ready;
    },
    get owned() {
      return state.owned;
    },
    handled: state.handled,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
