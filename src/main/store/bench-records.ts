// Benches kept beside the runs they started: what each was asked (its plan, to resume it) and which run
// played each task by each model and seed. The runs hold everything else (score, steps, tokens, cost).
import { benchPlanSchema, type BenchPlan } from '../../shared/bench';
import { newId } from '../../shared/ids';
import { writeTransaction, type SqliteDatabase } from './database';
import { writingTo } from './storage-errors';

export interface BenchSlot {
  task: string;
  model: string;
  seed: number;
  runId: string | null;
}

export interface BenchRecord {
  id: string;
  createdAt: number;
  finishedAt: number | null;
  plan: BenchPlan;
  slots: BenchSlot[];
}

interface BenchRow {
  id: string;
  created_at: number;
  finished_at: number | null;
  plan: string;
}

export class BenchRecords {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly folder: string,
  ) {}

  /** Records a bench and one empty slot for each task, model and seed it will run. */
  create(plan: BenchPlan, time = Date.now()): BenchRecord {
    const id = newId('bench', time);
    const slots: BenchSlot[] = [];
    for (const task of plan.tasks)
      for (const model of plan.models)
        for (let seed = 1; seed <= plan.seeds; seed++) slots.push({ task: task.task, model, seed, runId: null });
    writingTo(this.folder, () =>
      writeTransaction(this.db, () => {
        this.db
          .prepare('INSERT INTO benches (id, created_at, finished_at, plan) VALUES (?, ?, NULL, ?)')
          .run(id, time, JSON.stringify(plan));
        const insert = this.db.prepare(
          'INSERT INTO bench_runs (bench_id, task, model, seed, run_id) VALUES (?, ?, ?, ?, NULL)',
        );
        for (const slot of slots) insert.run(id, slot.task, slot.model, slot.seed);
      }),
    );
    return { id, createdAt: time, finishedAt: null, plan, slots };
  }

  /** Says which run plays a slot (set as soon as the run is recorded, so a resume finds it). */
  setRun(benchId: string, slot: Pick<BenchSlot, 'task' | 'model' | 'seed'>, runId: string): void {
    writingTo(this.folder, () =>
      this.db
        .prepare('UPDATE bench_runs SET run_id = ? WHERE bench_id = ? AND task = ? AND model = ? AND seed = ?')
        .run(runId, benchId, slot.task, slot.model, slot.seed),
    );
  }

  finish(benchId: string, time = Date.now()): void {
    writingTo(this.folder, () => this.db.prepare('UPDATE benches SET finished_at = ? WHERE id = ?').run(time, benchId));
  }

  get(benchId: string): BenchRecord | undefined {
    const row = this.db.prepare('SELECT * FROM benches WHERE id = ?').get(benchId) as BenchRow | undefined;
    return row === undefined ? undefined : this.record(row);
  }

  /** The benches, newest first. */
  list(limit = 100): BenchRecord[] {
    const rows = this.db.prepare('SELECT * FROM benches ORDER BY created_at DESC, id DESC LIMIT ?').all(limit);
    return (rows as BenchRow[]).map((row) => this.record(row));
  }

  private record(row: BenchRow): BenchRecord {
    const plan = benchPlanSchema.parse(JSON.parse(row.plan));
    const slots = this.db
      .prepare('SELECT task, model, seed, run_id AS runId FROM bench_runs WHERE bench_id = ?')
      .all(row.id) as BenchSlot[];
    // In the plan's order: task by task, each model, each seed.
    const taskOrder = plan.tasks.map((task) => task.task);
    const rank = (slot: BenchSlot) => [taskOrder.indexOf(slot.task), plan.models.indexOf(slot.model), slot.seed];
    slots.sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
    return { id: row.id, createdAt: row.created_at, finishedAt: row.finished_at, plan, slots };
  }
}
