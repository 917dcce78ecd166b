import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

type Addition = { persona_id: string; spend: string; visits: number; first_visit: string | null; last_visit: string | null; points: string };

/**
 * Additions to personas' totals (spend, visits, visit dates, points) gathered while one page of
 * sales is written, then applied in a single UPDATE at the end of the page's transaction.
 *
 * Why gather them: a persona row carries the Personas list's sort indexes, so each UPDATE of it
 * writes a new entry into all of them (the search's trigram indexes are on persona_search, which these
 * updates do not touch). The sales of a page add to both the
 * visit totals and the points balance of their buyers; applied separately that is two full rewrites
 * of each buyer's row per page, applied together it is one. Amounts stay exact: they travel as
 * decimal strings and are summed by PostgreSQL as numeric.
 */
export class PersonaTotalsChanges {
  private readonly additions: Addition[] = [];

  addVisits(personaId: string, spend: string, visits: number, firstVisit: string | null, lastVisit: string | null): void {
    this.additions.push({ persona_id: personaId, spend, visits, first_visit: firstVisit, last_visit: lastVisit, points: '0' });
  }

  addPoints(personaId: string, points: string): void {
    this.additions.push({ persona_id: personaId, spend: '0', visits: 0, first_visit: null, last_visit: null, points });
  }

  /** Applies what was gathered; the caller's transaction must hold the company's persona lock (shared suffices). */
  async apply(trx: Transaction<Database>): Promise<void> {
    if (this.additions.length === 0) return;
    await sql`
      WITH added AS (
        SELECT a.persona_id, sum(a.spend) AS spend, sum(a.visits) AS visits, min(a.first_visit) AS first_visit, max(a.last_visit) AS last_visit,
          sum(a.points) AS points
        FROM jsonb_to_recordset(${JSON.stringify(this.additions)}::jsonb)
          AS a(persona_id uuid, spend numeric, visits int, first_visit timestamptz, last_visit timestamptz, points numeric)
        GROUP BY a.persona_id
      )
      UPDATE personas p SET
        lifetime_spend = p.lifetime_spend + added.spend,
        visits = p.visits + added.visits,
        -- least/greatest skip NULLs: a first visit, or only returns and points, keeps what is known.
        first_visit_at = least(p.first_visit_at, added.first_visit),
        last_visit_at = greatest(p.last_visit_at, added.last_visit),
        points_balance = p.points_balance + added.points
      FROM added
      WHERE p.id = added.persona_id AND (added.spend <> 0 OR added.visits <> 0 OR added.points <> 0 OR added.first_visit IS NOT NULL)`.execute(trx);
    this.additions.length = 0;
  }
}
