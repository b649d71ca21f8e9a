import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ProbeFailure } from './network-failure.js';

/** The part of a body a check reads; a keyword past it counts as absent. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

interface BodyStream {
  readonly stream: Readable;
  /** The error of the response itself, as opposed to one of the decoder. */
  sourceError(): unknown;
}

function decoded(res: IncomingMessage): BodyStream {
  let sourceError: unknown = undefined;
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  let decoder: Readable & NodeJS.WritableStream;
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      decoder = createGunzip();
      break;
    case 'deflate':
      decoder = createInflate();
      break;
    case 'br':
      decoder = createBrotliDecompress();
      break;
    default:
      return { stream: res, sourceError: () => undefined };
  }
  res.once('error', (error) => {
    sourceError = error;
    decoder.destroy(error);
  });
  res.pipe(decoder);
  return { stream: decoder, sourceError: () => sourceError };
}

/**
 * Reads the body up to `limitBytes` (decoded bytes when a keyword is searched) and tells whether
 * the keyword occurs in that part; without a keyword the body is read and dropped, so that the
 * check's duration includes it. Stops early once the keyword is found. The search runs over
 * bytes, so a keyword split across chunks, even inside a multi-byte character, is still found.
 * Rejects when the body cannot be read (connection reset, bad encoding).
 */
export async function readBody(
  res: IncomingMessage,
  keyword: string | null,
  limitBytes: number = BODY_LIMIT_BYTES,
): Promise<boolean> {
  const body = keyword === null ? null : decoded(res);
  const stream = body?.stream ?? res;
  const needle = keyword === null ? null : Buffer.from(keyword, 'utf8');
  let seen = 0;
  let carry: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      const part = bytes.length > limitBytes - seen ? bytes.subarray(0, limitBytes - seen) : bytes;
      seen += part.length;
      if (needle !== null) {
        const haystack = carry.length === 0 ? part : Buffer.concat([carry, part]);
        if (haystack.includes(needle)) return true;
        // Keep just enough of the tail to find a keyword that straddles the next chunk.
        carry = Buffer.from(haystack.subarray(Math.max(0, haystack.length - needle.length + 1)));
      }
      if (seen >= limitBytes) break;
    }
  } catch (error) {
    if (stream === res || body?.sourceError() !== undefined) throw error;
    throw new ProbeFailure(decodeFailure(error), { cause: error });
  } finally {
    if (stream !== res) stream.destroy();
  }
  return false;
}

function decodeFailure(error: unknown): { kind: 'protocol'; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'protocol', message: `could not decode the response body: ${message}` };
}
