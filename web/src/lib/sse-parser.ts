/** One dispatched event of a `text/event-stream`. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | null;
}

export interface SseParser {
  /** Feeds decoded text; calls `onEvent` for each complete event and `onRetry` for `retry:`. */
  push(text: string): void;
}

/**
 * A parser of the server-sent events format (the WHATWG rules): `event:`, `data:` (lines joined
 * by "\n"), `id:`, `retry:`, comments (`: ping`) ignored, dispatch on a blank line, CRLF, CR or LF.
 */
export function createSseParser(
  onEvent: (event: SseEvent) => void,
  onRetry: (ms: number) => void = () => undefined,
): SseParser {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;
  let pendingCr = false;

  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), id });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        event = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) onRetry(Number(value));
        break;
      default:
        break;
    }
  };

  return {
    push(text) {
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer[i];
        if (ch === '\n' && pendingCr) {
          // the LF of a CRLF whose CR ended the previous line
          pendingCr = false;
          start = i + 1;
          continue;
        }
        pendingCr = false;
        if (ch === '\r' || ch === '\n') {
          line(buffer.slice(start, i));
          start = i + 1;
          pendingCr = ch === '\r';
        }
      }
      buffer = buffer.slice(start);
    },
  };
}
