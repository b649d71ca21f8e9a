import { Type } from 'typebox';
import { Id, StringEnum } from './common.js';

export const StreamQuery = Type.Object(
  {
    results: Type.Optional(StringEnum(['all'], { description: 'all: also every check result' })),
    monitorId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const EventStreamText = Type.String({
  description: [
    'Server-sent events. `retry: 3000` first; a `: ping` comment every 15 s.',
    '`event: status`, data `{"monitorId","status","previousStatus","at"}`: every status change.',
    '`event: result`, data `{"monitorId","checkedAt","status","latencyMs","httpStatus","error"}`:',
    'each check result, only with `results=all` (every monitor) or `monitorId` (that one).',
    'Result events are dropped for a client that does not keep up; one that falls far behind is',
    'disconnected and should reload what it shows when it reconnects.',
  ].join(' '),
});
