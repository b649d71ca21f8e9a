import { Type } from 'typebox';
import { CHANNEL_LIMITS as L, CHANNEL_TYPES } from '../../domain/channel.js';
import { Id, Instant, Nullable, Page, StringEnum } from './common.js';

const name = Type.String({ minLength: 1, maxLength: L.nameMaxLength });
const url = Type.String({
  minLength: 1,
  maxLength: L.urlMaxLength,
  description: 'absolute http: or https: URL',
});
const secret = Nullable(
  Type.String({
    minLength: 1,
    maxLength: L.secretMaxLength,
    description: 'write-only: signs each webhook (X-Uptime-Signature); null clears it',
  }),
);

export const ChannelCreateBody = Type.Object(
  { name, type: StringEnum(CHANNEL_TYPES), url, secret: Type.Optional(secret) },
  { additionalProperties: false },
);

export const ChannelPatchBody = Type.Object(
  { name: Type.Optional(name), url: Type.Optional(url), secret: Type.Optional(secret) },
  { additionalProperties: false },
);

export const ChannelSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    type: StringEnum(CHANNEL_TYPES),
    url: Type.String(),
    hasSecret: Type.Boolean(),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { title: 'NotificationChannel' },
);

export const ChannelList = Page(ChannelSchema);

export const DeliverySchema = Type.Object(
  {
    id: Id,
    event: StringEnum(['monitor.down', 'monitor.up', 'monitor.degraded', 'test']),
    monitorId: Nullable(Id),
    state: StringEnum(['pending', 'delivered', 'failed']),
    attempts: Type.Integer(),
    lastError: Nullable(Type.String()),
    lastAttemptAt: Nullable(Instant),
    deliveredAt: Nullable(Instant),
    createdAt: Instant,
  },
  { title: 'Delivery' },
);

export const DeliveryList = Page(DeliverySchema);
