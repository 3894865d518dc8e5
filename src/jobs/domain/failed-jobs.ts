// The 失败任务 page's words: what a failed background job was doing and why it failed, in Chinese an admin can act on.
// The raw reason (often an English system error) is kept beside it for whoever fixes the cause.

export const JOB_KIND_NAMES: Record<string, string> = {
  'ingest-page': '识别扫描页',
  'reread-page': '重新识别扫描页',
  'copy-page': '生成成绩通知书用的原卷缩小图',
  'compute-results': '统计成绩',
  'render-report': '生成学校诊断报告',
};

export function jobKindName(name: string): string {
  return JOB_KIND_NAMES[name] ?? '后台任务';
}

const CJK = /[\u4e00-\u9fff]/;

/** Known causes, most specific first: a system error's code or message → what it means for the admin. */
const CAUSES: [RegExp, string][] = [
  [/ENOSPC|no space left/i, '磁盘空间不足，无法写入文件'],
  [/EISDIR|ENOTDIR|ENOTEMPTY|EACCES|EPERM|EROFS|EEXIST/, '无法写入文件（数据目录不可写）'],
  [/ENOENT/, '找不到所需的文件（可能已被删除或移动）'],
  [/stalled more than allowable limit/i, '处理该任务的后台进程多次中断'],
  [/ER_LOCK_DEADLOCK|Lock wait timeout|ER_LOCK_WAIT_TIMEOUT/i, '数据库繁忙（锁等待超时）'],
  [
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|PROTOCOL_CONNECTION_LOST|Connection lost|Too many connections|ER_CON_COUNT/i,
    '数据库或队列暂时无法连接',
  ],
  [/Input buffer|unsupported image format|corrupt|VipsJpeg|pngload|tiffload/i, '图像无法解码（文件可能不完整）'],
  [/timed? ?out/i, '执行超时'],
];

/** The reason a job failed, in words: a Chinese reason as it is; a known system error by its meaning; else 未知错误. */
export function failureInWords(reason: string): string {
  const text = (reason ?? '').trim();
  for (const [pattern, words] of CAUSES) if (pattern.test(text)) return words;
  if (CJK.test(text)) return text;
  return '未知错误（详见错误详情）';
}
