import { Type } from 'typebox';
import { DAILY_UPTIME_MAX_DAYS } from '../../domain/daily-uptime.js';
import { UPTIME_WINDOWS } from '../../domain/uptime.js';
import { UPTIME_BATCH_MAX } from '../../roles/api/uptime-service.js';
import { Id, Nullable, StringEnum } from './common.js';
import { UptimeSchema } from './monitor.js';

export const DailyUptimeSchema = Type.Object(
  {
    date: Type.String({ description: 'the UTC day, YYYY-MM-DD' }),
    uptime: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    checks: Type.Integer(),
    failures: Type.Integer(),
  },
  { title: 'DailyUptime' },
);

export const DailyQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: DAILY_UPTIME_MAX_DAYS, default: 90 })),
  },
  { additionalProperties: false },
);

export const DailyList = Type.Object({
  items: Type.Array(DailyUptimeSchema, {
    description: 'one entry per UTC day, oldest first, ending today',
  }),
});

export const UptimeBatchQuery = Type.Object(
  {
    window: Type.Optional(StringEnum(UPTIME_WINDOWS, { default: '24h' })),
    ids: Type.Optional(
      Type.String({
        maxLength: UPTIME_BATCH_MAX * 37,
        description: `monitor ids, comma-separated, at most ${UPTIME_BATCH_MAX}; none: no items`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const UptimeBatchList = Type.Object({
  items: Type.Array(
    Type.Object({ monitorId: Id, ...UptimeSchema.properties }, { title: 'MonitorUptime' }),
    { description: 'the known monitors among the ids, in the order asked' },
  ),
});
