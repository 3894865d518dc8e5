// Every migration, in order. A new migration is added here as well as in its own file.
import { CoreSchema1764000000000 } from './1764000000000-core-schema.js';

export const MIGRATIONS: Function[] = [CoreSchema1764000000000];
