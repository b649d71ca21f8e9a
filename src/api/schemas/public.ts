import { Type } from 'typebox';
import { UPTIME_WINDOWS } from '../../domain/uptime.js';
import { StringEnum } from './common.js';

/** Routes served without a token declare no security requirement. */
export const OPEN: Record<string, string[]>[] = [];

export const BadgeParams = Type.Object(
  { monitorId: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

/** Other parameters (cache busters, a style) are ignored, as badge services do. */
export const UptimeBadgeQuery = Type.Object({
  window: Type.Optional(StringEnum(UPTIME_WINDOWS, { default: '30d' })),
});

export const SvgText = Type.String({ description: 'an SVG image' });
export const HtmlText = Type.String({ description: 'a self-contained HTML page' });
