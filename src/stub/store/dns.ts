import type { Db } from '../../lib/sqlite.js';

export interface DnsRow {
  id: number;
  name: string;
  destination: string;
}

/** The fake zone.ee zone: A-records on the partner's apex. */
export class DnsStore {
  private readonly allStmt;
  private readonly byNameStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;

  constructor(private readonly db: Db) {
    this.allStmt = db.prepare<[], DnsRow>('SELECT * FROM dns_records ORDER BY name, id');
    this.byNameStmt = db.prepare<[string], DnsRow>('SELECT * FROM dns_records WHERE name = ? ORDER BY id');
    this.insertStmt = db.prepare<[string, string], never>('INSERT INTO dns_records (name, destination) VALUES (?, ?)');
    this.updateStmt = db.prepare<[string, number], never>('UPDATE dns_records SET destination = ? WHERE id = ?');
    this.deleteStmt = db.prepare<[number], never>('DELETE FROM dns_records WHERE id = ?');
  }

  all(): DnsRow[] {
    return this.allStmt.all();
  }

  byName(name: string): DnsRow[] {
    return this.byNameStmt.all(name);
  }

  insert(name: string, destination: string): number {
    return Number(this.insertStmt.run(name, destination).lastInsertRowid);
  }

  setDestination(id: number, destination: string): void {
    this.updateStmt.run(destination, id);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Back to an empty zone whose first record gets the zone.ee-looking id 9182734. */
  clear(): void {
    this.db.exec("DELETE FROM dns_records; UPDATE sqlite_sequence SET seq = 9182733 WHERE name = 'dns_records';");
  }
}
