import type { FastifyInstance } from 'fastify';
import { ApiError } from '../roles/api/api-errors.js';

/**
 * Bodies are JSON (any charset parameter). An empty body parses as no body whatever its content
 * type, so that routes without one (pause, resume, test) accept what clients send; a non-empty
 * body of another type is a 415.
 */
export function installBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    done(new ApiError('unsupported_media_type', 'the body must be application/json'), undefined);
  });
}
