import type { ChannelId } from './ids.js';

export const CHANNEL_TYPES = ['webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const CHANNEL_LIMITS = {
  nameMaxLength: 200,
  urlMaxLength: 2048,
  secretMaxLength: 1024,
} as const;

/** A notification channel as stored; `secret` never leaves the server (see `publicChannel`). */
export interface Channel {
  readonly id: ChannelId;
  readonly name: string;
  readonly type: ChannelType;
  readonly url: string;
  readonly secret: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PublicChannel extends Omit<Channel, 'secret'> {
  readonly hasSecret: boolean;
}

export function publicChannel(channel: Channel): PublicChannel {
  const { secret, ...rest } = channel;
  return { ...rest, hasSecret: secret !== null };
}
