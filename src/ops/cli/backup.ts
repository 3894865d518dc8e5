// CLI: backs up or restores the database and the blob store of this installation (configured by the same
// environment as the server: DB_*, BLOB_STORE, DATA_DIR, S3_*).
//   node dist/src/ops/cli/backup.js backup --out /backup/tongkao-2026-07-01.tar.gz [--work-dir /big/tmp]
//   node dist/src/ops/cli/backup.js restore --from /backup/tongkao-2026-07-01.tar.gz [--replace] [--work-dir /big/tmp]
import { parseArgs } from 'node:util';
import { describeStartupError } from '../../common/startup-checks.js';
import { loadConfig } from '../../config/config.js';
import { createBlobStore } from '../../storage/create-blob-store.js';
import { backup, restore } from '../backup.js';

const USAGE =
  '用法：backup backup --out <备份文件.tar.gz> [--work-dir <临时目录>]\n' +
  '      backup restore --from <备份文件.tar.gz> [--replace] [--work-dir <临时目录>]';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      from: { type: 'string' },
      replace: { type: 'boolean', default: false },
      'work-dir': { type: 'string' },
    },
  });
  const config = loadConfig();
  const blobs = createBlobStore(config);
  const log = (line: string) => console.log(line);
  const workDir = values['work-dir'];
  const [command] = positionals;
  if (command === 'backup' && values.out) {
    const m = await backup(config, blobs, values.out, { log, workDir });
    console.log(`备份完成：${values.out}（数据库 ${m.dumpBytes} 字节，${m.blobs} 个文件共 ${m.blobBytes} 字节）`);
  } else if (command === 'restore' && values.from) {
    const m = await restore(config, blobs, values.from, { log, workDir, replace: values.replace });
    console.log(`恢复完成：数据库 ${config.db.name}，${m.blobs} 个文件（备份于 ${m.createdAt}）`);
    console.log('请运行 npm run migration:run（备份若来自旧版本），再启动服务与 worker。');
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
}

main().catch((err) => {
  // a refused or failed step says so itself; a connection or configuration error is described as at start-up
  const coded = (err as { code?: unknown })?.code !== undefined;
  console.error(err instanceof Error && !coded && err.name === 'Error' ? err.message : describeStartupError(err));
  process.exitCode = 1;
});
