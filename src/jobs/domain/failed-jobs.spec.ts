import { JOBS } from '../../queue/jobs.js';
import { failureInWords, jobKindName } from './failed-jobs.js';

describe('failed jobs in words', () => {
  it.each([
    [
      "EISDIR: illegal operation on a directory, rename '/d/reports/1/2.pdf.tmp' -> '/d/reports/1/2.pdf'",
      '无法写入文件',
    ],
    ['ENOTEMPTY: directory not empty, rename', '无法写入文件'],
    ["EACCES: permission denied, open '/d/x'", '无法写入文件'],
    ['ENOSPC: no space left on device, write', '磁盘空间不足'],
    ['connect ECONNREFUSED 127.0.0.1:3306', '数据库或队列暂时无法连接'],
    ['job stalled more than allowable limit', '后台进程多次中断'],
    ['该考试的成绩尚未统计，无法生成报告', '该考试的成绩尚未统计，无法生成报告'],
    ['Cannot read properties of undefined', '未知错误'],
    ['', '未知错误'],
  ])('%s → %s', (reason, words) => {
    expect(failureInWords(reason)).toContain(words);
  });

  it('names each job kind in Chinese', () => {
    expect(jobKindName('render-report')).toBe('生成学校诊断报告');
    expect(jobKindName('ingest-page')).toBe('识别扫描页');
    expect(jobKindName('compute-results')).toBe('统计成绩');
    expect(jobKindName('other')).toBe('后台任务');
  });
});

describe('job kinds in words', () => {
  it('names every job the worker runs in Chinese', () => {
    for (const job of Object.values(JOBS)) expect(jobKindName(job)).not.toBe('后台任务');
    expect(jobKindName('copy-page')).toBe('生成成绩通知书用的原卷缩小图');
  });
});
