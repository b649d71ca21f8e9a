import { Type } from 'typebox';
import { HTTP_METHODS, MONITOR_LIMITS as L, MONITOR_TYPES } from '../../domain/monitor.js';
import { MONITOR_STATUSES } from '../../domain/status.js';
import { UPTIME_WINDOWS } from '../../domain/uptime.js';
import { Cursor, Id, Instant, Limit, Nullable, Page, StringEnum } from './common.js';

/** Shape and range of each setting; the domain rules check the merged whole after this. */
const settings = {
  name: Type.String({ minLength: 1, maxLength: L.nameMaxLength }),
  type: StringEnum(MONITOR_TYPES, { default: 'http' }),
  url: Type.String({
    minLength: 1,
    maxLength: L.urlMaxLength,
    description: 'absolute http: or https: URL',
  }),
  method: StringEnum(HTTP_METHODS, { default: 'GET' }),
  headers: Type.Record(Type.String(), Type.String(), { maxProperties: L.headersMax }),
  body: Nullable(Type.String({ description: `at most ${L.bodyMaxBytes} bytes` })),
  intervalSeconds: Type.Integer({
    minimum: L.intervalSecondsMin,
    maximum: L.intervalSecondsMax,
    default: 60,
  }),
  timeoutSeconds: Type.Number({
    minimum: L.timeoutSecondsMin,
    maximum: L.timeoutSecondsMax,
    default: 10,
  }),
  expectedStatus: Type.Immutable(
    Type.Array(Type.String({ description: 'a code (200) or a range (200-299)' }), {
      minItems: 1,
      default: ['200-399'],
    }),
  ),
  keyword: Nullable(Type.String({ minLength: 1, maxLength: L.keywordMaxLength })),
  invertKeyword: Type.Boolean({ default: false }),
  maxLatencyMs: Nullable(Type.Integer({ minimum: 1, maximum: L.maxLatencyMsMax })),
  retries: Type.Integer({ minimum: 0, maximum: L.retriesMax, default: 0 }),
  retryIntervalSeconds: Nullable(
    Type.Integer({
      minimum: L.intervalSecondsMin,
      maximum: L.intervalSecondsMax,
      description: 'null: follows intervalSeconds',
    }),
  ),
  followRedirects: Type.Boolean({ default: true }),
  verifyTls: Type.Boolean({ default: true }),
  paused: Type.Boolean({ default: false }),
  notificationChannelIds: Type.Immutable(Type.Array(Id, { maxItems: L.channelsMax })),
  tags: Type.Immutable(
    Type.Array(Type.String({ minLength: 1, maxLength: L.tagMaxLength }), { maxItems: L.tagsMax }),
  ),
};

export const MonitorPatchBody = Type.Partial(Type.Object(settings), {
  additionalProperties: false,
});

export const MonitorCreateBody = Type.Object(
  {
    ...MonitorPatchBody.properties,
    name: settings.name,
    url: settings.url,
  },
  { additionalProperties: false },
);

const monitorFields = {
  id: Id,
  ...settings,
  createdAt: Instant,
  updatedAt: Instant,
};

export const MonitorSchema = Type.Object(monitorFields, { title: 'Monitor' });

export const MonitorStatusSchema = StringEnum(MONITOR_STATUSES);

export const MonitorListItem = Type.Object(
  { ...monitorFields, status: MonitorStatusSchema },
  { title: 'MonitorWithStatus' },
);

export const MonitorListQuery = Type.Object(
  {
    limit: Limit,
    cursor: Type.Optional(Cursor),
    status: Type.Optional(MonitorStatusSchema),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: L.tagMaxLength })),
  },
  { additionalProperties: false },
);

export const MonitorList = Page(MonitorListItem);

export const CheckResultSchema = Type.Object(
  {
    id: Id,
    monitorId: Id,
    checkedAt: Instant,
    status: StringEnum(['up', 'degraded', 'down']),
    latencyMs: Type.Number(),
    httpStatus: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    failureKind: Nullable(Type.String()),
    region: Type.String(),
    timings: Type.Object({
      dnsMs: Nullable(Type.Number()),
      connectMs: Nullable(Type.Number()),
      tlsMs: Nullable(Type.Number()),
      ttfbMs: Nullable(Type.Number()),
      totalMs: Type.Number(),
    }),
    tls: Nullable(
      Type.Object({ validTo: Instant, daysLeft: Type.Number(), issuer: Nullable(Type.String()) }),
    ),
  },
  { title: 'CheckResult' },
);

export const StatusSchema = Type.Object(
  {
    monitorId: Id,
    status: MonitorStatusSchema,
    since: Instant,
    lastCheck: Nullable(CheckResultSchema),
  },
  { title: 'MonitorStatus' },
);

export const ResultsQuery = Type.Object(
  {
    since: Type.Optional(Instant),
    until: Type.Optional(Instant),
    limit: Limit,
  },
  { additionalProperties: false },
);

export const ResultList = Type.Object({ items: Type.Array(CheckResultSchema) });

export const UptimeQuery = Type.Object(
  { window: Type.Optional(StringEnum(UPTIME_WINDOWS, { default: '24h' })) },
  { additionalProperties: false },
);

const LatencyValue = Nullable(Type.Number());
export const UptimeSchema = Type.Object(
  {
    window: StringEnum(UPTIME_WINDOWS),
    uptime: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    checks: Type.Integer(),
    failures: Type.Integer(),
    latencyMs: Type.Object({
      avg: LatencyValue,
      p50: LatencyValue,
      p95: LatencyValue,
      p99: LatencyValue,
    }),
  },
  { title: 'Uptime' },
);
