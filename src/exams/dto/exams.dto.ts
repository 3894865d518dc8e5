// Request bodies of the exam routes. Services validate every field (domain/) and answer in Chinese; these classes
// are what the API documentation shows (properties and comments reach /api/docs through tools/openapi-metadata.mjs).
import { ApiProperty } from '@nestjs/swagger';
import { ExamKind } from '../domain/exam-disclosure.js';
import type { PaperInput } from '../domain/paper-validation.js';

export class CreateExamBody {
  /** 考试名称（必填，最多 100 个字） */
  @ApiProperty({ minLength: 1, maxLength: 100 })
  name: string;
  /** 年级，如“七年级”“高一”（最多 20 个字） */
  @ApiProperty({ maxLength: 20 })
  grade?: string;
  /** 年级序号 1～12（1～6 小学，7～9 初中，10～12 高中）；不填时由 grade 推出 */
  @ApiProperty({ minimum: 1, maximum: 12 })
  gradeYear?: number;
  /** 考试类型：学业质量监测、毕业年级统一考试或校际联考；决定成绩可否公开到学生 */
  kind?: ExamKind;
  /** 等级分界（得分率，从高到低），如 [0.85, 0.7, 0.6] 或 "0.85,0.7,0.6" */
  gradeBandCutoffs?: number[];
  /** 考试日期，YYYY-MM-DD */
  @ApiProperty({ format: 'date' })
  examDate?: string;
  /** 优秀线（得分率，大于 0、不超过 1，最多三位小数；须高于及格线），默认 0.85 */
  @ApiProperty({ minimum: 0, exclusiveMinimum: true, maximum: 1, default: 0.85 })
  excellentRatio?: number;
  /** 及格线（得分率；须高于低分线），默认 0.6 */
  @ApiProperty({ minimum: 0, exclusiveMinimum: true, maximum: 1, default: 0.6 })
  passRatio?: number;
  /** 低分线（得分率），默认 0.4 */
  @ApiProperty({ minimum: 0, exclusiveMinimum: true, maximum: 1, default: 0.4 })
  lowRatio?: number;
  /** 试卷解密时间（ISO 8601）：此前试卷 PDF 保密 */
  @ApiProperty({ format: 'date-time' })
  releaseAt?: string;
  /** 同一批学生的上一次考试（纵向比较、增值评价），须属同一教联体 */
  priorExamId?: number;
}

/** 历史成绩导入：multipart 表单，一个成绩文件与考试信息。 */
export class ImportResultsForm {
  /** 成绩文件（.csv 或 .xlsx）：考号、姓名，每科一列 */
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
  /** 考试名称（必填，最多 100 个字） */
  name: string;
  /** 年级，如“七年级” */
  grade: string;
  /** 考试日期，YYYY-MM-DD */
  @ApiProperty({ format: 'date' })
  examDate?: string;
  /** 表头未给满分的科目的满分：“100”或“数学=100；语文=120” */
  fullMarks?: string;
  /** 原考试系统报告的总分信度（0～1），可不填 */
  @ApiProperty({ minimum: 0, maximum: 1 })
  reliability?: number;
  /** 信度的来源（如“原考试系统报告 α”）；填了 reliability 时必填 */
  reliabilitySource?: string;
}

export type CreatePaperBody = PaperInput;
