import { Type, type Static, type TSchema } from 'typebox';
import { API_ERROR_STATUS, type ApiErrorCode } from '../../roles/api/api-errors.js';
import { PAGE_LIMIT } from '../../roles/api/paging.js';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A string enum as plain JSON Schema (`type` + `enum`), which documents and serialises best. */
export const StringEnum = <const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const Instant = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
export const Id = Type.String({ format: 'uuid' });

/** An id that does not have the shape of one is a 404, like an unknown one. */
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Limit = Type.Optional(
  Type.Integer({ minimum: 1, maximum: PAGE_LIMIT.max, default: PAGE_LIMIT.default }),
);
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'the nextCursor of the previous page',
});
export const NextCursor = Nullable(Type.String({ description: 'null on the last page' }));

export const PageQuery = Type.Object(
  { limit: Limit, cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: NextCursor });

/** Fields the server owns: sending one in a body is a 400 naming it. */
export const READ_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'status',
  'hasSecret',
]);

const ERROR_CODES = Object.keys(API_ERROR_STATUS) as ApiErrorCode[];

/** The one error shape of every route. Registered once and referenced by `$id`. */
export const ApiErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: StringEnum(ERROR_CODES),
      message: Type.String(),
      details: Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON pointer into the request part' }),
          message: Type.String(),
        }),
      ),
    }),
  },
  { $id: 'ApiError', title: 'ApiError' },
);
export type ApiErrorBody = Static<typeof ApiErrorSchema>;

const errorRef = (description: string) =>
  Type.Unsafe<ApiErrorBody>({ $ref: 'ApiError', description });

/** Error responses for a route's documentation and serialisation. */
export const errorResponses = {
  '4xx': errorRef('refused; error.code says why'),
  '5xx': errorRef('internal error'),
} as const;
