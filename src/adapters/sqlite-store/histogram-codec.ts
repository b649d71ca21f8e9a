import { BUCKETS, type SparseHistogram } from '../../domain/latency-histogram.js';

/**
 * Roll-up histograms are stored as a compact BLOB: one 6-byte entry per non-empty bucket of
 * src/domain/latency-histogram.ts (uint16 bucket index, uint32 count, little-endian), sorted by
 * bucket. A minute row usually holds one entry; merging two encodings is a linear walk, cheap
 * enough to run inside SQLite's upsert as a registered function.
 */
const ENTRY_BYTES = 6;

export function encodeHistogram(histogram: SparseHistogram): Buffer {
  // Integer-like keys enumerate in ascending numeric order, so entries come out sorted.
  const keys = Object.keys(histogram);
  const out = Buffer.allocUnsafe(keys.length * ENTRY_BYTES);
  let offset = 0;
  for (const key of keys) {
    const count = histogram[Number(key)] ?? 0;
    if (count <= 0) continue;
    out.writeUInt16LE(Number(key), offset);
    out.writeUInt32LE(count, offset + 2);
    offset += ENTRY_BYTES;
  }
  return offset === out.length ? out : out.subarray(0, offset);
}

/** The sum of two encoded histograms, encoded. */
export function mergeEncodedHistograms(a: Uint8Array, b: Uint8Array): Buffer {
  const left = asBuffer(a);
  const right = asBuffer(b);
  if (left.length === 0) return Buffer.from(right);
  if (right.length === 0) return Buffer.from(left);
  // Usually one side holds a single check's bucket: copy the other and add it in place.
  if (right.length === ENTRY_BYTES) return addEntry(left, right);
  if (left.length === ENTRY_BYTES) return addEntry(right, left);
  const out = Buffer.allocUnsafe(left.length + right.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < left.length || j < right.length) {
    const bucketL = i < left.length ? left.readUInt16LE(i) : Infinity;
    const bucketR = j < right.length ? right.readUInt16LE(j) : Infinity;
    let bucket: number;
    let count = 0;
    if (bucketL <= bucketR) {
      bucket = bucketL;
      count += left.readUInt32LE(i + 2);
      i += ENTRY_BYTES;
    } else {
      bucket = bucketR;
    }
    if (bucketR === bucket) {
      count += right.readUInt32LE(j + 2);
      j += ENTRY_BYTES;
    }
    out.writeUInt16LE(bucket, o);
    out.writeUInt32LE(count, o + 2);
    o += ENTRY_BYTES;
  }
  return out.subarray(0, o);
}

/** `histogram` plus the one entry of `single`. */
function addEntry(histogram: Buffer, single: Buffer): Buffer {
  const bucket = single.readUInt16LE(0);
  const count = single.readUInt32LE(2);
  let at = 0;
  while (at < histogram.length && histogram.readUInt16LE(at) < bucket) at += ENTRY_BYTES;
  if (at < histogram.length && histogram.readUInt16LE(at) === bucket) {
    const out = Buffer.from(histogram);
    out.writeUInt32LE(out.readUInt32LE(at + 2) + count, at + 2);
    return out;
  }
  const out = Buffer.allocUnsafe(histogram.length + ENTRY_BYTES);
  histogram.copy(out, 0, 0, at);
  single.copy(out, at, 0, ENTRY_BYTES);
  histogram.copy(out, at + ENTRY_BYTES, at);
  return out;
}

/** Adds an encoded histogram's counts into a dense accumulator of BUCKETS counts. */
export function addEncodedHistogram(into: Float64Array, encoded: Uint8Array): void {
  const buf = asBuffer(encoded);
  for (let i = 0; i + ENTRY_BYTES <= buf.length; i += ENTRY_BYTES) {
    const bucket = Math.min(buf.readUInt16LE(i), BUCKETS - 1);
    into[bucket] = (into[bucket] ?? 0) + buf.readUInt32LE(i + 2);
  }
}

export function sparseOf(dense: Float64Array): SparseHistogram {
  const sparse: SparseHistogram = {};
  dense.forEach((count, bucket) => {
    if (count > 0) sparse[bucket] = count;
  });
  return sparse;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
