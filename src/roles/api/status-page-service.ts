import { isId, newStatusPageId, type MonitorId, type StatusPageId } from '../../domain/ids.js';
import { validateStatusPage, type StatusPage } from '../../domain/status-page.js';
import type { FieldError } from '../../domain/validation.js';
import type { Clock } from '../../ports/clock.js';
import { StoreError, type Page, type Store } from '../../ports/store.js';
import { ApiError, notFound, validationFailed } from './api-errors.js';
import { pageLimit, withCursor, type PageRequest } from './paging.js';

/** A page as a client sends it: monitor ids are plain strings until checked. */
export interface StatusPageDraft {
  readonly slug: string;
  readonly title: string;
  readonly description?: string | null;
  readonly monitorIds?: readonly string[];
}

/** Absent fields keep what is stored; `description: null` clears it; `monitorIds` replaces. */
export interface StatusPagePatch {
  readonly slug?: string;
  readonly title?: string;
  readonly description?: string | null;
  readonly monitorIds?: readonly string[];
}

export interface StatusPageServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
}

/**
 * Use cases on status pages. Every listed monitor must exist when the page is written; a taken
 * slug is a `conflict`.
 */
export interface StatusPageService {
  create(draft: StatusPageDraft): Promise<StatusPage>;
  get(id: string): Promise<StatusPage>;
  list(query: PageRequest): Promise<Page<StatusPage>>;
  update(id: string, patch: StatusPagePatch): Promise<StatusPage>;
  delete(id: string): Promise<void>;
}

export function createStatusPageService(deps: StatusPageServiceDeps): StatusPageService {
  const { store, clock } = deps;
  const nowIso = (): string => new Date(clock.now()).toISOString();

  const load = async (id: string): Promise<StatusPage> => {
    const page = isId(id) ? await store.getStatusPage(id as StatusPageId) : undefined;
    if (page === undefined) throw notFound('status page');
    return page;
  };

  /** Domain rules on the whole page, and every listed monitor must exist. */
  const validate = async (page: StatusPage): Promise<void> => {
    const errors: FieldError[] = validateStatusPage(page);
    const ids = page.monitorIds;
    if (ids.length > 0 && errors.length === 0) {
      const known = new Set<string>((await store.getMonitors(ids)).map((m) => m.id));
      ids.forEach((id, i) => {
        if (!known.has(id))
          errors.push({ path: `/monitorIds/${i}`, message: `no monitor has id ${id}` });
      });
    }
    if (errors.length > 0) throw validationFailed(errors);
  };

  /** Runs a write, turning a taken slug into a 409 that names the field. */
  const write = async <T>(slug: string, operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof StoreError && error.code === 'STORE_CONFLICT') {
        throw new ApiError('conflict', `another status page has the slug ${slug}`, [
          { path: '/slug', message: 'is taken by another status page' },
        ]);
      }
      throw error;
    }
  };

  return {
    async create(draft) {
      const at = nowIso();
      const page: StatusPage = {
        id: newStatusPageId(),
        slug: draft.slug,
        title: draft.title,
        description: draft.description ?? null,
        monitorIds: (draft.monitorIds ?? []) as MonitorId[],
        createdAt: at,
        updatedAt: at,
      };
      await validate(page);
      await write(page.slug, () => store.createStatusPage(page));
      return page;
    },

    get: load,

    list: (query) =>
      withCursor(() =>
        store.listStatusPages({ limit: pageLimit(query.limit), cursor: query.cursor }),
      ),

    async update(id, patch) {
      const stored = await load(id);
      const next: StatusPage = {
        ...stored,
        ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.monitorIds !== undefined ? { monitorIds: patch.monitorIds as MonitorId[] } : {}),
        updatedAt: nowIso(),
      };
      await validate(next);
      if (!(await write(next.slug, () => store.updateStatusPage(next))))
        throw notFound('status page');
      return next;
    },

    async delete(id) {
      if (!isId(id) || !(await store.deleteStatusPage(id as StatusPageId))) {
        throw notFound('status page');
      }
    },
  };
}
