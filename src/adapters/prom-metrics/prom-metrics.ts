import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CheckStatus } from '../../domain/status.js';
import type { DropReason, Metrics } from '../../ports/metrics.js';

export interface PromMetrics extends Metrics {
  render(): Promise<{ contentType: string; body: string }>;
}

/** The service's metrics on a registry of its own (no global state), in Prometheus text format. */
export function createPromMetrics(options: { defaultMetrics?: boolean } = {}): PromMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'uptime_' });

  const checks = new Counter({
    name: 'uptime_checks_total',
    help: 'Checks completed, by outcome.',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const checkDuration = new Histogram({
    name: 'uptime_check_duration_seconds',
    help: 'Duration of completed checks.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'uptime_checks_dropped_total',
    help: 'Check requests not run: stale when they reached a worker, overlapping a running check, or at shutdown.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'uptime_scheduling_lateness_seconds',
    help: 'How late the scheduler emitted a check after its due time.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'uptime_queue_depth',
    help: 'Current depth of internal queues.',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const recorded = new Counter({
    name: 'uptime_results_recorded_total',
    help: 'Check results written to the store.',
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'uptime_notification_attempts_total',
    help: 'Notification delivery attempts, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  return {
    checkCompleted(status: CheckStatus, durationMs: number) {
      checks.inc({ status });
      checkDuration.observe(durationMs / 1000);
    },
    checkDropped(reason: DropReason) {
      dropped.inc({ reason });
    },
    schedulingLateness(ms: number) {
      lateness.observe(Math.max(0, ms) / 1000);
    },
    queueDepth(queue: string, depth: number) {
      queueDepth.set({ queue }, depth);
    },
    resultsRecorded(count: number) {
      recorded.inc(count);
    },
    notificationAttempt(outcome) {
      notifications.inc({ outcome });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
