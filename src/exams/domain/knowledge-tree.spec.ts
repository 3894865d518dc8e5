import { buildTree, pathPrefixes, resolveKnowledgePoints } from './knowledge-tree.js';

const tree = [
  { id: 1, parentId: null, name: '数与代数', path: '数与代数' },
  { id: 2, parentId: 1, name: '有理数', path: '数与代数/有理数' },
  { id: 3, parentId: null, name: '图形与几何', path: '图形与几何' },
  { id: 4, parentId: 3, name: '概念', path: '图形与几何/概念' },
  { id: 5, parentId: 1, name: '概念', path: '数与代数/概念' },
];

describe('knowledge tree', () => {
  it('lists path prefixes and nests nodes', () => {
    expect(pathPrefixes('a/b/c')).toEqual(['a', 'a/b', 'a/b/c']);
    const t = buildTree(tree);
    expect(t.map((n) => [n.name, n.children.map((c) => c.name)])).toEqual([
      ['数与代数', ['概念', '有理数'].sort((a, b) => `数与代数/${a}`.localeCompare(`数与代数/${b}`, 'zh'))],
      ['图形与几何', ['概念']],
    ]);
  });

  it('resolves bare names to their one node, adds missing paths with ancestors, refuses ambiguous names', () => {
    const r = resolveKnowledgePoints(
      [['有理数'], ['数与代数/整式/单项式', ' 统计 '], null, ['概念'], ['图形与几何 / 概念']],
      tree,
    );
    expect(r.paths).toEqual([['数与代数/有理数'], ['数与代数/整式/单项式', '统计'], null, [], ['图形与几何/概念']]);
    expect(r.toCreate).toEqual(['统计', '数与代数/整式', '数与代数/整式/单项式']);
    expect(r.errors).toEqual([
      { index: 3, message: '知识点“概念”在知识点树中有 2 处（图形与几何/概念，数与代数/概念），请写完整路径' },
    ]);
  });
});
