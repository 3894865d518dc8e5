// An item of a paper as the subject group gives it and as it is kept: type names, limits, the input and validated
// shapes, and how labels and knowledge-point paths are normalised. Pure.
import { MAX_BOX_MM } from '../../sheets/domain/layout.js';

export type ItemTypeName = 'single_choice' | 'multiple_choice' | 'true_false' | 'fill_in' | 'subjective';
export type MarkingModeName = 'single' | 'double' | 'double_arbitration';
export type RoundingModeName = 'half_up' | 'down' | 'up';

/** Item types with the names teachers use. */
export const ITEM_TYPES: Record<ItemTypeName, string> = {
  single_choice: '单选题',
  multiple_choice: '多选题',
  true_false: '判断题',
  fill_in: '填空题',
  subjective: '主观题',
};
const OBJECTIVE: ItemTypeName[] = ['single_choice', 'multiple_choice', 'true_false'];
export const MARKING_MODES: MarkingModeName[] = ['single', 'double', 'double_arbitration'];
export const ROUNDING_MODES: RoundingModeName[] = ['half_up', 'down', 'up'];

export const MIN_OPTIONS = 2;
/** 七选五 (seven options) is the widest choice item in Chinese papers. */
export const MAX_OPTIONS = 7;
/** Box heights the sheet layout can place (one box must fit on a page below the QR code). */
export const BOX_MM = { min: 15, max: MAX_BOX_MM, default: 40 };
export const MAX_ITEMS = 200;
export const MAX_ITEM_SCORE = 1000;

export interface ItemInput {
  label?: unknown;
  type?: unknown;
  maxScore?: unknown;
  answerKey?: unknown;
  optionCount?: unknown;
  scoreStep?: unknown;
  roundingMode?: unknown;
  markingMode?: unknown;
  tolerance?: unknown;
  knowledgePoints?: unknown;
  boxHeightMm?: unknown;
  /** Sub-items: the printed heading they belong to ("17" for 17(1)); derived from labels like 17(1) when absent. */
  parentLabel?: unknown;
  /** 认知层次, one of the configured levels. */
  cognitiveLevel?: unknown;
  /** Multiple choice: fraction of full marks for a correct subset with no wrong option (0 < f < 1). */
  partialCredit?: unknown;
}

export interface ValidItem {
  seq: number;
  label: string;
  type: ItemTypeName;
  maxScore: number;
  scoreStep: number;
  roundingMode: RoundingModeName;
  answerKey: string | null;
  optionCount: number;
  markingMode: MarkingModeName;
  tolerance: number;
  knowledgePoints: string[] | null;
  boxHeightMm: number;
  parentLabel: string | null;
  cognitiveLevel: string | null;
  partialCredit: number | null;
}

/** Cognitive levels (认知层次) of a blueprint unless the caller configures others (e.g. Bloom's six). */
export const DEFAULT_COGNITIVE_LEVELS: readonly string[] = ['了解', '理解', '掌握', '运用'];

export interface ValidationOptions {
  cognitiveLevels?: readonly string[];
}

/** One problem with one item: `index` is its 0-based position, `name` how a teacher calls it ("第3题"). */
export interface ItemIssue {
  index: number;
  name: string;
  message: string;
}

/** Knowledge points are given as a leaf name or a path in the subject's tree: "数与代数/有理数/绝对值". */
export const KP_SEPARATOR = '/';
export const KP_NAME_MAX = 60;
export const KP_PATH_MAX = 300;

/** "17(1)" or "17（1）" → "17": the parent heading of a sub-item label. */
export function derivedParentLabel(label: string): string | null {
  const m = /^(.+?)\s*[(（]\s*\d+\s*[)）]$/.exec(label);
  return m ? m[1].trim() : null;
}

/** A knowledge-point path with its segments trimmed, or null when malformed. */
export function normaliseKnowledgePath(raw: string): string | null {
  const parts = raw.split(/[\/／]/).map((p) => p.trim());
  if (parts.some((p) => !p || p.length > KP_NAME_MAX)) return null;
  const path = parts.join(KP_SEPARATOR);
  return path.length > KP_PATH_MAX ? null : path;
}

export const isObjectiveType = (t: ItemTypeName) => OBJECTIVE.includes(t);
