import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import type { CurrentSuggestion } from './domain/import-plan.js';
import { isFindingKind } from './domain/kinds.js';
import type { LibraryEntry } from './domain/match.js';
import type { SuggestionFields } from './domain/suggestion-fields.js';
import type { SuggestionView } from './dto/suggestion.dto.js';

interface Row {
  id: number;
  subject: string | null;
  version_id: number;
  version: number;
  kind: string | null;
  knowledge_point: string | null;
  cognitive_level: string | null;
  text: string;
  retired: number;
  author: string | null;
  created_at: Date;
}

const CURRENT =
  'SELECT s.id, s.subject, v.id AS version_id, v.version, v.kind, v.knowledge_point, v.cognitive_level, v.text, ' +
  'v.retired, u.display_name AS author, v.created_at ' +
  'FROM suggestion s JOIN suggestion_version v ON v.id = s.current_version_id LEFT JOIN `user` u ON u.id = v.author_id ';

function view(r: Row): SuggestionView {
  return {
    id: r.id,
    version: r.version,
    versionId: r.version_id,
    subject: r.subject,
    kind: isFindingKind(r.kind) ? r.kind : null,
    knowledgePoint: r.knowledge_point,
    cognitiveLevel: r.cognitive_level,
    text: r.text,
    retired: !!r.retired,
    author: r.author ?? '',
    updatedAt: r.created_at,
  };
}

/** The suggestion library's statements: suggestions, their immutable versions, the current one of each. */
@Injectable()
export class SuggestionRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The alliance's suggestions as they stand (retired ones too), optionally of some subjects (null: generic ones). */
  async list(allianceId: number, subjects?: (string | null)[], tx?: Tx): Promise<SuggestionView[]> {
    const named = subjects?.filter((s): s is string => s !== null) ?? [];
    const generic = subjects?.includes(null) ?? false;
    const where = !subjects
      ? ''
      : `AND (${named.length ? 's.subject IN (?)' : 'FALSE'}${generic ? ' OR s.subject IS NULL' : ''}) `;
    const rows: Row[] = await managerOr(tx, this.ds).query(
      CURRENT + 'WHERE s.alliance_id = ? ' + where + 'ORDER BY s.subject, v.knowledge_point, v.kind, s.id',
      named.length ? [allianceId, named] : [allianceId],
    );
    return rows.map(view);
  }

  /**
   * What a report job needs: the alliance's suggestions in use for these subjects and the generic ones, and the
   * library's version (the newest version row), which with the entries' versionIds says exactly what was used.
   */
  async currentFor(
    allianceId: number,
    subjects: string[],
  ): Promise<{ libraryVersion: number; entries: LibraryEntry[] }> {
    const rows = (await this.list(allianceId, [...subjects, null])).filter((s) => !s.retired);
    const libraryVersion = await this.libraryVersion(allianceId);
    const entries = rows.map(({ id, version, versionId, subject, kind, knowledgePoint, cognitiveLevel, text }) => ({
      id,
      version,
      versionId,
      subject,
      kind,
      knowledgePoint,
      cognitiveLevel,
      text,
    }));
    return { libraryVersion, entries };
  }

  /** The newest version row of the alliance's library (0 when empty): it moves on with every change. */
  async libraryVersion(allianceId: number, tx?: Tx): Promise<number> {
    const [{ v }] = await managerOr(tx, this.ds).query(
      'SELECT MAX(v.id) AS v FROM suggestion s JOIN suggestion_version v ON v.suggestion_id = s.id WHERE s.alliance_id = ?',
      [allianceId],
    );
    return Number(v ?? 0);
  }

  /** One suggestion as it stands, with its alliance; null when there is none. */
  async findOne(id: number, tx?: Tx): Promise<(SuggestionView & { allianceId: number }) | null> {
    const rows: (Row & { alliance_id: number })[] = await managerOr(tx, this.ds).query(
      CURRENT.replace('SELECT s.id,', 'SELECT s.id, s.alliance_id,') + 'WHERE s.id = ?',
      [id],
    );
    return rows.length ? { ...view(rows[0]), allianceId: rows[0].alliance_id } : null;
  }

  /** Locks the alliance's suggestions against concurrent changes until the transaction ends (an import's apply). */
  async lockAlliance(tx: Tx, allianceId: number): Promise<void> {
    await managerOf(tx).query('SELECT id FROM suggestion WHERE alliance_id = ? FOR UPDATE', [allianceId]);
  }

  /** Locks one suggestion (an edit, retirement or restoration): a concurrent change waits, then sees the new version. */
  async lockOne(tx: Tx, id: number): Promise<void> {
    await managerOf(tx).query('SELECT id FROM suggestion WHERE id = ? FOR UPDATE', [id]);
  }

  /** The library as the import plans against it. */
  async currentSuggestions(allianceId: number, tx?: Tx): Promise<CurrentSuggestion[]> {
    return (await this.list(allianceId, undefined, tx)).map((s) => ({
      id: s.id,
      version: s.version,
      retired: s.retired,
      subject: s.subject,
      kind: s.kind,
      knowledgePoint: s.knowledgePoint,
      cognitiveLevel: s.cognitiveLevel,
      text: s.text,
    }));
  }

  /** A new suggestion with its first version; its id. */
  async create(tx: Tx, allianceId: number, fields: SuggestionFields, authorId: number): Promise<number> {
    const m = managerOf(tx);
    const res = await m.query('INSERT INTO suggestion (alliance_id, subject) VALUES (?, ?)', [
      allianceId,
      fields.subject,
    ]);
    const id = Number(res.insertId);
    await this.addVersion(tx, id, 1, fields, false, authorId);
    return id;
  }

  /** A new version of the suggestion, made its current one; its id. */
  async addVersion(
    tx: Tx,
    suggestionId: number,
    version: number,
    fields: SuggestionFields,
    retired: boolean,
    authorId: number,
  ): Promise<number> {
    const m = managerOf(tx);
    const res = await m.query(
      'INSERT INTO suggestion_version (suggestion_id, version, kind, knowledge_point, cognitive_level, text, retired, author_id) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        suggestionId,
        version,
        fields.kind,
        fields.knowledgePoint,
        fields.cognitiveLevel,
        fields.text,
        retired ? 1 : 0,
        authorId,
      ],
    );
    const versionId = Number(res.insertId);
    await m.query('UPDATE suggestion SET current_version_id = ? WHERE id = ?', [versionId, suggestionId]);
    return versionId;
  }

  /** Every version of the suggestion, newest first, with who wrote it and when. */
  async history(suggestionId: number): Promise<SuggestionView[]> {
    const rows: Row[] = await this.ds.query(
      'SELECT s.id, s.subject, v.id AS version_id, v.version, v.kind, v.knowledge_point, v.cognitive_level, v.text, ' +
        'v.retired, u.display_name AS author, v.created_at ' +
        'FROM suggestion_version v JOIN suggestion s ON s.id = v.suggestion_id LEFT JOIN `user` u ON u.id = v.author_id ' +
        'WHERE v.suggestion_id = ? ORDER BY v.version DESC',
      [suggestionId],
    );
    return rows.map(view);
  }

  /** Versions by their ids (what a report recorded), for reprinting exactly what it used. */
  async versions(versionIds: number[]): Promise<SuggestionView[]> {
    if (!versionIds.length) return [];
    const rows: Row[] = await this.ds.query(
      'SELECT s.id, s.subject, v.id AS version_id, v.version, v.kind, v.knowledge_point, v.cognitive_level, v.text, ' +
        'v.retired, u.display_name AS author, v.created_at ' +
        'FROM suggestion_version v JOIN suggestion s ON s.id = v.suggestion_id LEFT JOIN `user` u ON u.id = v.author_id ' +
        'WHERE v.id IN (?) ORDER BY v.id',
      [versionIds],
    );
    return rows.map(view);
  }
}
