import { Type } from 'typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });

export const ReadySchema = Type.Object({ status: Type.Literal('ready') });

export const NotReadySchema = Type.Object({
  status: Type.Literal('unavailable'),
  failing: Type.String({ description: 'the dependency that does not answer: store, bus or cache' }),
});

export const MetricsText = Type.String({ description: 'Prometheus text exposition format' });

export const OpenApiDocument = Type.Object({}, { additionalProperties: true });
