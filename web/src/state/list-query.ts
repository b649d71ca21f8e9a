import { DEFAULT_QUERY, type ListQuery } from '../lib/list-query.js';
import { createCell } from './observable.js';

/** The list's search, filters and sort: kept while the user visits a monitor and comes back. */
export const listQuery = createCell<ListQuery>(DEFAULT_QUERY);
