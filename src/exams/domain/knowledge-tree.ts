// Knowledge points (知识点) as a tree per subject: nodes identified by their path "数与代数/有理数/绝对值". Pure.

import { KP_SEPARATOR, normaliseKnowledgePath } from './paper-validation.js';

export interface KnowledgeNode {
  id: number;
  parentId: number | null;
  name: string;
  path: string;
}

export interface KnowledgeTreeNode extends KnowledgeNode {
  children: KnowledgeTreeNode[];
}

/** Every prefix of a path, shortest first: "a/b/c" → ["a", "a/b", "a/b/c"]. */
export function pathPrefixes(path: string): string[] {
  const parts = path.split(KP_SEPARATOR);
  return parts.map((_, i) => parts.slice(0, i + 1).join(KP_SEPARATOR));
}

export const leafName = (path: string) => path.slice(path.lastIndexOf(KP_SEPARATOR) + 1);

export function buildTree(nodes: KnowledgeNode[]): KnowledgeTreeNode[] {
  const byId = new Map<number, KnowledgeTreeNode>(nodes.map((n) => [n.id, { ...n, children: [] }]));
  const roots: KnowledgeTreeNode[] = [];
  for (const n of [...byId.values()].sort((a, b) => a.path.localeCompare(b.path, 'zh'))) {
    const parent = n.parentId === null ? undefined : byId.get(n.parentId);
    (parent ? parent.children : roots).push(n);
  }
  return roots;
}

export interface KnowledgeResolution {
  /** Per item, the full paths of its knowledge points (null when it has none). */
  paths: (string[] | null)[];
  /** Paths (with every missing ancestor) to add to the tree, shortest first. */
  toCreate: string[];
  errors: { index: number; message: string }[];
}

/**
 * Resolves what items name against the tree. A path is used as it is (missing nodes are added: a subject group
 * grows its tree while authoring); a bare name matches the one node of that name anywhere in the tree, or
 * becomes a new top-level node; a bare name found at several places is an error (the teacher must write the path).
 */
export function resolveKnowledgePoints(itemKps: (string[] | null)[], tree: KnowledgeNode[]): KnowledgeResolution {
  const existing = new Set(tree.map((n) => n.path));
  // Bare names match nodes of the tree and nodes that paths elsewhere in the same paper are about to add.
  const known = new Set(existing);
  for (const kps of itemKps)
    for (const raw of kps ?? []) {
      const p = normaliseKnowledgePath(raw);
      if (p?.includes(KP_SEPARATOR)) for (const prefix of pathPrefixes(p)) known.add(prefix);
    }
  const byName = new Map<string, string[]>();
  for (const path of known) byName.set(leafName(path), [...(byName.get(leafName(path)) ?? []), path]);
  const create = new Set<string>();
  const errors: KnowledgeResolution['errors'] = [];
  const paths = itemKps.map((kps, index) => {
    if (!kps) return null;
    const out: string[] = [];
    for (const raw of kps) {
      const path = normaliseKnowledgePath(raw);
      if (!path) {
        errors.push({ index, message: `知识点“${raw}”格式有误` });
        continue;
      }
      let full = path;
      if (!path.includes(KP_SEPARATOR)) {
        const found = byName.get(path) ?? [];
        if (found.length > 1) {
          errors.push({
            index,
            message: `知识点“${path}”在知识点树中有 ${found.length} 处（${[...found].sort().join('，')}），请写完整路径`,
          });
          continue;
        }
        if (found.length === 1) full = found[0];
      }
      for (const p of pathPrefixes(full)) if (!existing.has(p)) create.add(p);
      if (!out.includes(full)) out.push(full);
    }
    return out;
  });
  const toCreate = [...create].sort(
    (a, b) => a.split(KP_SEPARATOR).length - b.split(KP_SEPARATOR).length || a.localeCompare(b),
  );
  return { paths, toCreate, errors };
}
