import type { MonitorId } from '../domain/ids.js';
import { MONITOR_DEFAULTS, type Monitor, type MonitorSettings } from '../domain/monitor.js';

/**
 * How both Store adapters keep a monitor's settings: one JSON document per monitor. Shared so
 * that the document written by one adapter is read the same way by the other.
 */

/** The settings document, built field by field so that nothing but settings is stored. */
export function settingsDocument(m: MonitorSettings): string {
  const settings: MonitorSettings = {
    name: m.name,
    type: m.type,
    url: m.url,
    method: m.method,
    headers: m.headers,
    body: m.body,
    intervalSeconds: m.intervalSeconds,
    timeoutSeconds: m.timeoutSeconds,
    expectedStatus: m.expectedStatus,
    keyword: m.keyword,
    invertKeyword: m.invertKeyword,
    maxLatencyMs: m.maxLatencyMs,
    retries: m.retries,
    retryIntervalSeconds: m.retryIntervalSeconds,
    followRedirects: m.followRedirects,
    verifyTls: m.verifyTls,
    paused: m.paused,
    notificationChannelIds: m.notificationChannelIds,
    tags: m.tags,
  };
  return JSON.stringify(settings);
}

/**
 * A monitor from its stored document. Settings added by later versions take their defaults in
 * documents written before them. Built as one literal: spreading the defaults under the parsed
 * document is several times slower in V8, and this runs for every monitor of every recorded batch.
 */
export function monitorFromDocument(
  id: string,
  s: Partial<MonitorSettings>,
  createdAt: string,
  updatedAt: string,
): Monitor {
  const d = MONITOR_DEFAULTS;
  return {
    id: id as MonitorId,
    name: s.name ?? '',
    type: s.type ?? d.type,
    url: s.url ?? '',
    method: s.method ?? d.method,
    headers: s.headers ?? d.headers,
    body: s.body ?? d.body,
    intervalSeconds: s.intervalSeconds ?? d.intervalSeconds,
    timeoutSeconds: s.timeoutSeconds ?? d.timeoutSeconds,
    expectedStatus: s.expectedStatus ?? d.expectedStatus,
    keyword: s.keyword ?? d.keyword,
    invertKeyword: s.invertKeyword ?? d.invertKeyword,
    maxLatencyMs: s.maxLatencyMs ?? d.maxLatencyMs,
    retries: s.retries ?? d.retries,
    retryIntervalSeconds: s.retryIntervalSeconds ?? d.retryIntervalSeconds,
    followRedirects: s.followRedirects ?? d.followRedirects,
    verifyTls: s.verifyTls ?? d.verifyTls,
    paused: s.paused ?? d.paused,
    notificationChannelIds: s.notificationChannelIds ?? d.notificationChannelIds,
    tags: s.tags ?? d.tags,
    createdAt,
    updatedAt,
  };
}
