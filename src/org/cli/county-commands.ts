// The county CLI's commands (src/org/cli/county.ts runs them in a Nest context; tests call them with the test app's
// service): each parses its arguments, calls CountyService and prints in Chinese. Returns the exit code.
import { parseArgs } from 'node:util';
import { HttpException } from '@nestjs/common';
import { describeStartupError } from '../../common/startup-checks.js';
import type { CountyService } from '../county.service.js';

export const COUNTY_USAGE = [
  '用法：',
  '  create-county --name <区县名称> --code <区县代码> --bureau <教育局账号用户名> --password <密码(至少8位)> [--display-name <姓名>]',
  '  county-attach --county <区县代码> --alliance <联盟代码>',
  '  county-add-bureau --county <区县代码> --bureau <用户名> [--password <密码(至少8位)>] [--display-name <姓名>]',
  '    （新账号须指定密码；已是其他区县教育局账号的用户名不要指定密码）',
].join('\n');

export type CountyCommand = 'create' | 'attach' | 'add-bureau';

const OPTIONS = {
  create: ['name', 'code', 'bureau', 'password', 'display-name'],
  attach: ['county', 'alliance'],
  'add-bureau': ['county', 'bureau', 'password', 'display-name'],
} as const;
const REQUIRED: Record<CountyCommand, string[]> = {
  create: ['name', 'code', 'bureau', 'password'],
  attach: ['county', 'alliance'],
  'add-bureau': ['county', 'bureau'],
};

export interface CliOutput {
  log: (line: string) => void;
  error: (line: string) => void;
}

/** The message of an error as the CLI prints it. */
export function messageOf(err: unknown): string {
  if (err instanceof HttpException) {
    const body = err.getResponse() as string | { message?: string | string[] };
    const msg = typeof body === 'string' ? body : body.message;
    return Array.isArray(msg) ? msg.join('；') : String(msg ?? err.message);
  }
  return describeStartupError(err);
}

/** The arguments of a command, or the exit code 2 after printing what is wrong. */
export function parseCountyArgs(
  command: string,
  args: string[],
  out: CliOutput,
): { command: CountyCommand; values: Record<string, string | undefined> } | 2 {
  if (!Object.hasOwn(OPTIONS, command)) {
    out.error(`未知命令：${command || '（无）'}\n${COUNTY_USAGE}`);
    return 2;
  }
  const cmd = command as CountyCommand;
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: Object.fromEntries(OPTIONS[cmd].map((k) => [k, { type: 'string' as const }])),
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    out.error(`参数错误：${(err as Error).message}\n${COUNTY_USAGE}`);
    return 2;
  }
  const missing = REQUIRED[cmd].filter((k) => !values[k]);
  if (missing.length) {
    out.error(`缺少参数：${missing.map((k) => `--${k}`).join(' ')}\n${COUNTY_USAGE}`);
    return 2;
  }
  return { command: cmd, values };
}

/** Runs a parsed command; 0 on success, 1 on a refusal (printed). */
export async function runCountyCommand(
  service: CountyService,
  command: CountyCommand,
  v: Record<string, string | undefined>,
  out: CliOutput,
): Promise<number> {
  try {
    if (command === 'create') {
      const { county, bureau } = await service.bootstrapCounty({
        name: v.name!,
        code: v.code!,
        bureauUsername: v.bureau!,
        bureauPassword: v.password!,
        bureauDisplayName: v['display-name'],
      });
      out.log(
        `已创建区县“${county.name}”（代码 ${county.code}，编号 ${county.id}），教育局账号：${bureau.username}（只读）`,
      );
    } else if (command === 'attach') {
      const { county, alliance } = await service.attachAlliance(v.county!, v.alliance!);
      out.log(`联盟“${alliance.name}”（代码 ${alliance.code}）已归属区县“${county.name}”`);
    } else {
      const { county, user, created } = await service.addBureauUser(v.county!, {
        username: v.bureau!,
        password: v.password,
        displayName: v['display-name'],
      });
      out.log(
        created
          ? `已为区县“${county.name}”添加教育局账号：${user.username}（只读）`
          : `已有账号 ${user.username} 现在也可查看区县“${county.name}”（只读）`,
      );
    }
    return 0;
  } catch (err) {
    const e = ((err as { cause?: unknown })?.cause ?? err) as { code?: string };
    if (e?.code === 'ER_NO_SUCH_TABLE' || e?.code === 'ER_BAD_DB_ERROR')
      out.error('数据库尚未初始化，请先运行 npm run migration:run');
    else out.error(`${command === 'create' ? '创建' : command === 'attach' ? '归属' : '添加'}失败：${messageOf(e)}`);
    return 1;
  }
}
