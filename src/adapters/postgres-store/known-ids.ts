import { isId } from '../../domain/ids.js';

/**
 * Ids are uuid columns here: a string that is not an id this service makes can name nothing,
 * so it is answered as unknown without asking the server (which would refuse to parse it).
 */
export const knownShape = (ids: readonly string[]): string[] => ids.filter(isId);
