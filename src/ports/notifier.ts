import type { Channel } from '../domain/channel.js';
import type { NotificationEvent } from '../domain/notification.js';

export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Sends one notification to one channel of the notifier's type. Resolves with the outcome;
 * failures (network errors, non-2xx answers, timeouts) are outcomes, never rejections. The
 * payload is sent exactly as given (signatures are computed over it).
 */
export interface Notifier {
  send(channel: Channel, event: NotificationEvent, payload: string): Promise<SendOutcome>;
}
