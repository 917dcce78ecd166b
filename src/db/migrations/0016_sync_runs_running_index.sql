-- The runs still marked running, which the scheduler looks for on every tick (every few seconds) to
-- recover the runs of a worker that died (sync-scheduler.ts, recoverInterruptedRuns). Without it
-- that lookup read the whole table, which gains a row per credential per sync: 1,440 a day for a
-- store on the 1-minute schedule (docs/performance.md, change 34).
CREATE INDEX sync_runs_running_idx ON sync_runs (credential_id) WHERE outcome = 'running';
