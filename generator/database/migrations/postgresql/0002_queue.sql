-- The console's publish queue: huey's PostgresStorage tables (huey 3.5, table prefix "huey", queue name
-- jiaozao-console), as huey's own CREATE statements make them, so every console process on every machine shares
-- one queue. Made here, by the owner running `jiaozao db upgrade`, not by the console at start: the console's
-- account needs no right to create tables, and processes starting together do not race to make them.
-- They hold work in flight (a message per queued publish, the SMS sender's tick), never a record: the jobs
-- table says what was asked, by whom, and how it ended. tests/console/test_jobs.py checks they are what huey
-- itself makes.

CREATE TABLE huey_kv (
    queue TEXT NOT NULL,
    key TEXT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (queue, key)
);

CREATE TABLE huey_schedule (
    id BIGSERIAL PRIMARY KEY,
    queue TEXT NOT NULL,
    data BYTEA NOT NULL,
    timestamp DOUBLE PRECISION NOT NULL
);
CREATE INDEX huey_schedule_queue_timestamp ON huey_schedule (queue, timestamp);

CREATE TABLE huey_task (
    id BIGSERIAL PRIMARY KEY,
    queue TEXT NOT NULL,
    data BYTEA NOT NULL,
    priority DOUBLE PRECISION NOT NULL DEFAULT 0.0
);
CREATE INDEX huey_task_queue_priority_id ON huey_task (queue, priority DESC, id);

CREATE TABLE huey_counter (
    queue TEXT NOT NULL,
    key TEXT NOT NULL,
    value BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, key)
);
