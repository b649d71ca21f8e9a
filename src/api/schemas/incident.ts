import { Type } from 'typebox';
import { Cursor, Id, Instant, Limit, Nullable, Page, StringEnum } from './common.js';

const IncidentState = StringEnum(['open', 'resolved']);

export const IncidentSchema = Type.Object(
  {
    id: Id,
    monitorId: Id,
    state: IncidentState,
    startedAt: Instant,
    resolvedAt: Nullable(Instant),
    cause: Nullable(Type.String()),
  },
  { title: 'Incident' },
);

export const IncidentListQuery = Type.Object(
  {
    monitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    state: Type.Optional(IncidentState),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const IncidentList = Page(IncidentSchema);
