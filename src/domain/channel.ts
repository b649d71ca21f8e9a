import type { ChannelId } from './ids.js';
import { httpUrlProblem } from './monitor.js';
import type { FieldError } from './validation.js';

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

/** The rules of a complete channel, whatever a schema layer did before. */
export function validateChannel(channel: Channel): FieldError[] {
  const errors: FieldError[] = [];
  const L = CHANNEL_LIMITS;
  if (channel.name.trim().length === 0 || channel.name.length > L.nameMaxLength) {
    errors.push({ path: '/name', message: `must be 1 to ${L.nameMaxLength} characters` });
  }
  const urlProblem = httpUrlProblem(channel.url);
  if (urlProblem !== null) errors.push({ path: '/url', message: urlProblem });
  if (channel.secret?.length === 0 || (channel.secret?.length ?? 0) > L.secretMaxLength) {
    errors.push({
      path: '/secret',
      message: `must be null or 1 to ${L.secretMaxLength} characters`,
    });
  }
  return errors;
}
