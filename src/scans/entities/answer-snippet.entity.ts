import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A subjective answer cut out of a page. Markers see it by its opaque token only. */
@Entity('answer_snippet')
@Index(['studentId', 'itemId'], { unique: true })
export class AnswerSnippet {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() pageId: number;
  @Column() studentId: number;
  @Index() @Column() itemId: number;
  @Column({ length: 200 }) blobKey: string;
  /** Random token used in snippet URLs so they reveal nothing about the student. */
  @Column({ length: 40, unique: true }) token: string;
}
