// Queued work lives in Redis until a worker takes it: a Redis that keeps nothing on disk loses every waiting job
// when it restarts (seen: 320 pages stuck after one restart). Pure: the server's settings in, a warning or null out.

/**
 * `appendonly` and `save` as `CONFIG GET` answers them (null when the server refuses CONFIG, as some managed
 * services do: then nothing can be said).
 */
export function persistenceWarning(appendonly: string | null, save: string | null): string | null {
  if (appendonly === null || save === null) return null;
  if (appendonly === 'yes') return null;
  const what =
    save.trim() === ''
      ? '既没有开启 AOF（appendonly），也没有 RDB 快照（save）'
      : '没有开启 AOF（appendonly yes），只有定期快照';
  return (
    `警告：Redis ${what}，重启后排队中的任务可能丢失（扫描页停在“排队中”、成绩或报告不再计算）。` +
    '请按 README 的要求开启 appendonly yes 并挂载数据卷。 ' +
    `(warning: Redis has ${save.trim() === '' ? 'no persistence' : 'RDB snapshots only, no AOF'}; queued jobs are lost on a restart: set appendonly yes)`
  );
}
