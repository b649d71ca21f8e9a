import { escapeMarkup } from './escape.js';

export interface Badge {
  readonly label: string;
  readonly message: string;
  /** A CSS colour for the message side, e.g. `#4c1`. */
  readonly color: string;
}

export const BADGE_COLORS = {
  green: '#4c1',
  yellowGreen: '#a4a61d',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  grey: '#9f9f9f',
  blue: '#007ec6',
  label: '#555',
} as const;

/**
 * Widths of Verdana 11 px by character class, close enough to size a badge without font
 * metrics: narrow letters and punctuation, wide letters, and everything else.
 */
const NARROW = /[ilIjtfr.,:;|!'`()[\]{} ]/;
const WIDE = /[mwMWOQG%@#&]/;
const CHAR_WIDTH = { narrow: 4, wide: 10, other: 7 } as const;
const PADDING = 10;

export function textWidth(text: string): number {
  let width = 0;
  for (const c of text) {
    width += NARROW.test(c) ? CHAR_WIDTH.narrow : WIDE.test(c) ? CHAR_WIDTH.wide : CHAR_WIDTH.other;
  }
  return width;
}

const attr = (n: number): string => String(Math.round(n * 10) / 10);

/** A flat badge as shields.io draws them: a grey label and a coloured message. */
export function renderBadge(badge: Badge): string {
  const labelWidth = textWidth(badge.label) + PADDING;
  const messageWidth = textWidth(badge.message) + PADDING;
  const width = labelWidth + messageWidth;
  const label = escapeMarkup(badge.label);
  const message = escapeMarkup(badge.message);
  const color = /^#[0-9a-f]{3,8}$/i.test(badge.color) ? badge.color : BADGE_COLORS.grey;
  const labelX = attr(labelWidth / 2);
  const messageX = attr(labelWidth + messageWidth / 2);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}: ${message}">`,
    `<title>${label}: ${message}</title>`,
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    '<g clip-path="url(#r)">',
    `<rect width="${labelWidth}" height="20" fill="${BADGE_COLORS.label}"/>`,
    `<rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${color}"/>`,
    `<rect width="${width}" height="20" fill="url(#s)"/>`,
    '</g>',
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">',
    `<text x="${labelX}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${label}</text>`,
    `<text x="${labelX}" y="14">${label}</text>`,
    `<text x="${messageX}" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">${message}</text>`,
    `<text x="${messageX}" y="14">${message}</text>`,
    '</g>',
    '</svg>',
  ].join('');
}
