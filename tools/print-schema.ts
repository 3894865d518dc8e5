// Developer aid: prints the SQL that would bring the database to the entities, to write a migration from.
// Usage: npm run build && node dist/tools/print-schema.js  (never applies anything)
import { loadConfig } from '../src/config/config.js';
import { createDataSource, ensureDatabase } from '../src/database/data-source.js';
import { ENTITIES } from '../src/entities.js';

const config = loadConfig();
const name = process.env.SCHEMA_DB ?? `${config.db.name}_schema_probe`;
await ensureDatabase(config, name);
const ds = createDataSource(config, { database: name, entities: ENTITIES });
await ds.initialize();
await ds.runMigrations();
const sql = await ds.driver.createSchemaBuilder().log();
for (const q of sql.upQueries) console.log(q.query + ';');
console.log('-- down');
for (const q of sql.downQueries.reverse()) console.log(q.query + ';');
await ds.destroy();
