// What GET /ready says of a dependency that did not answer: the Chinese message a person reads is the one the API
// answers with a 503 when that server is away (common/domain/unavailable.ts), so an operator and a user read the same
// words; the blob store, which has no 503 of its own, gets its own.
import { unavailableMessage } from '../../common/domain/unavailable.js';

export const DEPENDENCIES = ['database', 'queue', 'blobs'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

const BLOBS_DOWN = '文件存储（扫描图像、报告）暂时无法读写，请检查存储目录或对象存储';

export function dependencyDown(dep: Dependency, err: unknown): { message: string; cause: string } {
  const cause = String((err as { message?: string })?.message ?? err).slice(0, 200);
  const message = dep === 'blobs' ? BLOBS_DOWN : unavailableMessage(dep);
  return { message, cause };
}
