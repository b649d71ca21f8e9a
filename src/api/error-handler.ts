import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
import type { FieldError } from '../domain/validation.js';
import type { Logger } from '../ports/logger.js';
import { API_ERROR_STATUS, ApiError, type ApiErrorCode } from '../roles/api/api-errors.js';
import { READ_ONLY_FIELDS, type ApiErrorBody } from './schemas/common.js';

/** Fastify's own refusals, by code; anything not listed and not an ApiError is a 500. */
const FASTIFY_CODES: Readonly<Record<string, ApiErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'not_found',
};

const MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length does not match the body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the body is larger than 1 MiB',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the body must be application/json',
  FST_ERR_BAD_URL: 'no such route',
};

interface FastifyLikeError {
  readonly code?: unknown;
  readonly validation?: readonly FastifySchemaValidationError[];
  readonly validationContext?: string;
}

/** Every failure of a request, as the contract's error shape; never a stack trace. */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.code === 'internal') {
      logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    }
    return sendError(reply, apiError);
  });
  app.setNotFoundHandler(notFoundHandler);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, new ApiError('not_found', `no route ${request.method} ${request.url}`));
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  const body: ApiErrorBody = {
    error: { code: error.code, message: error.message, details: [...error.details] },
  };
  return reply.code(API_ERROR_STATUS[error.code]).send(body);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (typeof error !== 'object' || error === null) return internal();
  const e = error as FastifyLikeError;
  if (e.validation !== undefined) {
    // A path parameter of the wrong shape names nothing that could exist.
    if (e.validationContext === 'params') return new ApiError('not_found', 'not found');
    const details = validationDetails(e.validation);
    const first = details[0];
    const message =
      details.length === 1 && first !== undefined
        ? `${first.path || e.validationContext || 'request'} ${first.message}`
        : `the ${e.validationContext ?? 'request'} is not valid`;
    return new ApiError('validation_failed', message, details);
  }
  const code = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  if (code !== undefined && typeof e.code === 'string') {
    return new ApiError(code, MESSAGES[e.code] ?? code);
  }
  return internal();
}

const internal = (): ApiError => new ApiError('internal', 'internal error');

/**
 * Validator errors as details with JSON pointers to the offending field. Unknown and missing
 * properties are reported at the property, and the branches of a `x or null` choice become one
 * message.
 */
export function validationDetails(errors: readonly FastifySchemaValidationError[]): FieldError[] {
  const details: FieldError[] = [];
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath));
  const branches = new Map<string, string[]>();

  for (const e of errors) {
    const params = e.params;
    const at = e.instancePath;
    const branchOf = [...anyOfPaths].find((p) => e.schemaPath.startsWith(`${p}/anyOf/`));
    if (branchOf !== undefined) {
      const list = branches.get(`${at}\n${branchOf}`) ?? [];
      list.push(e.message ?? 'is not valid');
      branches.set(`${at}\n${branchOf}`, list);
      continue;
    }
    switch (e.keyword) {
      case 'anyOf': {
        const messages = branches.get(`${at}\n${e.schemaPath}`) ?? [];
        details.push({ path: at, message: joinAlternatives(messages) });
        break;
      }
      case 'additionalProperties':
        for (const name of namesIn(params.additionalProperties ?? params.additionalProperty)) {
          details.push({
            path: `${at}/${escapePointer(name)}`,
            message:
              READ_ONLY_FIELDS.has(name) && at === '' ? 'is read-only' : 'is not a known field',
          });
        }
        break;
      case 'required':
        for (const name of namesIn(params.requiredProperties ?? params.missingProperty)) {
          details.push({ path: `${at}/${escapePointer(name)}`, message: 'is required' });
        }
        break;
      case 'boolean':
        // `additionalProperties: false` also reports each extra field here; kept once, above.
        if (!e.schemaPath.endsWith('/additionalProperties')) {
          details.push({ path: at, message: e.message ?? 'is not valid' });
        }
        break;
      default:
        details.push({ path: at, message: e.message ?? 'is not valid' });
    }
  }
  return dedupe(details);
}

function namesIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** `must be integer`, `must be null` → `must be integer or null`. */
function joinAlternatives(messages: readonly string[]): string {
  if (messages.length === 0) return 'does not match any allowed form';
  return messages.map((m, i) => (i === 0 ? m : m.replace(/^must be /, ''))).join(' or ');
}

function dedupe(details: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.path}\n${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
