import { Type } from 'typebox';
import { MONITOR_STATUSES } from '../../domain/status.js';
import { STATUS_PAGE_LIMITS as L } from '../../domain/status-page.js';
import { Id, Instant, Nullable, Page, StringEnum } from './common.js';
import { DailyUptimeSchema } from './uptime.js';

const slug = Type.String({
  pattern: L.slugPattern,
  description: `the page is served at /status/{slug}: 1 to ${L.slugMaxLength} lower-case letters, digits or inner hyphens`,
});
const title = Type.String({ minLength: 1, maxLength: L.titleMaxLength });
const description = Nullable(Type.String({ maxLength: L.descriptionMaxLength }));
const monitorIds = Type.Immutable(
  Type.Array(Id, {
    maxItems: L.monitorsMax,
    description: 'the monitors shown, in this order; each must exist, none twice',
  }),
);

export const StatusPageCreateBody = Type.Object(
  {
    slug,
    title,
    description: Type.Optional(description),
    monitorIds: Type.Optional(monitorIds),
  },
  { additionalProperties: false },
);

export const StatusPagePatchBody = Type.Object(
  {
    slug: Type.Optional(slug),
    title: Type.Optional(title),
    description: Type.Optional(description),
    monitorIds: Type.Optional(monitorIds),
  },
  { additionalProperties: false },
);

export const StatusPageSchema = Type.Object(
  {
    id: Id,
    slug: Type.String(),
    title: Type.String(),
    description: Nullable(Type.String()),
    monitorIds: Type.Immutable(Type.Array(Id)),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { title: 'StatusPage' },
);

export const StatusPageList = Page(StatusPageSchema);

/** `/status/{slug}.json`: only what the page shows. */
export const PublicStatusPageSchema = Type.Object(
  {
    slug: Type.String(),
    title: Type.String(),
    description: Nullable(Type.String()),
    overall: StringEnum(['up', 'degraded', 'down', 'unknown'], {
      description: 'the worst status of the monitors; paused and pending ones are left out',
    }),
    monitors: Type.Immutable(
      Type.Array(
        Type.Object({
          id: Id,
          name: Type.String(),
          status: StringEnum(MONITOR_STATUSES),
          uptime90d: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
          days: Type.Immutable(
            Type.Array(DailyUptimeSchema, { description: '90 UTC days, oldest first' }),
          ),
        }),
      ),
    ),
    openIncidents: Type.Immutable(
      Type.Array(
        Type.Object({
          id: Id,
          monitorId: Id,
          startedAt: Instant,
          cause: Nullable(Type.String()),
        }),
      ),
    ),
  },
  { title: 'PublicStatusPage' },
);

/** Any text: a slug that cannot exist is the same 404 as an unknown one. */
export const SlugParams = Type.Object({ slug: Type.String() }, { additionalProperties: false });
