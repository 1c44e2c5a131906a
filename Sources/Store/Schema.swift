/// Schema migrations, applied in order; `PRAGMA user_version` records how far a database is.
enum Schema {
    static let migrations: [String] = [
        // 1: the walking skeleton's tables.
        """
        CREATE TABLE reference_sequence (prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
            PRIMARY KEY (prefix, year));
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            priority TEXT NOT NULL,
            priority_reason TEXT NOT NULL,
            customer_id TEXT,
            plan TEXT NOT NULL,
            requester_email TEXT NOT NULL,
            requester_name TEXT,
            participants TEXT NOT NULL,
            subject TEXT NOT NULL,
            language TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            resolved_at REAL,
            first_response_at REAL,
            clock_started_at REAL,
            due_at REAL,
            warn_at REAL,
            warning_sent INTEGER NOT NULL DEFAULT 0,
            breach_sent INTEGER NOT NULL DEFAULT 0,
            root_message_id TEXT,
            last_message_id TEXT,
            linked_ticket_id INTEGER REFERENCES tickets(id),
            claimed_reference TEXT
        );
        CREATE INDEX tickets_clock ON tickets(status, warn_at, due_at);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER REFERENCES tickets(id),
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            role TEXT NOT NULL,
            message_id TEXT,
            from_email TEXT,
            from_name TEXT,
            subject TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            new_text TEXT NOT NULL DEFAULT '',
            body_text TEXT NOT NULL DEFAULT '',
            raw BLOB
        );
        CREATE INDEX messages_message_id ON messages(message_id);
        CREATE INDEX messages_ticket ON messages(ticket_id, id);
        CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES messages(id),
            filename TEXT,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL REFERENCES blobs(sha256)
        );
        CREATE INDEX attachments_message ON attachments(message_id);
        CREATE TABLE intake (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            message_id TEXT,
            content_hash TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT,
            ticket_id INTEGER REFERENCES tickets(id),
            message_row INTEGER REFERENCES messages(id),
            processed_at REAL NOT NULL,
            PRIMARY KEY (source, key)
        );
        CREATE INDEX intake_message_id ON intake(message_id);
        CREATE INDEX intake_hash ON intake(content_hash);
        CREATE TABLE checkpoints (mailbox TEXT PRIMARY KEY, validity INTEGER NOT NULL, last_uid INTEGER NOT NULL,
            updated_at REAL NOT NULL);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER REFERENCES tickets(id),
            kind TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            envelope_from TEXT NOT NULL,
            recipients TEXT NOT NULL,
            primary_recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            raw BLOB NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT,
            created_at REAL NOT NULL,
            sent_at REAL
        );
        CREATE INDEX outbox_pending ON outbox(status, next_attempt_at);
        CREATE INDEX outbox_recipient ON outbox(primary_recipient, kind, created_at);
        CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            reason TEXT NOT NULL,
            raw BLOB NOT NULL,
            received_at REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'held'
        );
        """,
        // 2: reporting: the first clock's deadline survives the staff reply; every notice sent is logged.
        """
        ALTER TABLE tickets ADD COLUMN first_due_at REAL;
        UPDATE tickets SET first_due_at = due_at WHERE first_due_at IS NULL;
        CREATE TABLE escalation_log (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL,
            sent_at REAL NOT NULL
        );
        CREATE INDEX escalation_log_ticket ON escalation_log(ticket_id, kind);
        CREATE TABLE worker_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL NOT NULL);
        """,
        // 3: the global refusal cap counts by kind and time; subject tags are looked up case-blind by index.
        """
        CREATE INDEX outbox_kind_time ON outbox(kind, created_at);
        CREATE INDEX tickets_reference_nocase ON tickets(reference COLLATE NOCASE);
        """,
        // 4: who has a ticket, who is away, why an acknowledgement was withheld, and notices held for a digest.
        """
        ALTER TABLE tickets ADD COLUMN owner TEXT;
        ALTER TABLE tickets ADD COLUMN acknowledgement_withheld TEXT;
        CREATE INDEX tickets_owner ON tickets(owner, status);
        ALTER TABLE messages ADD COLUMN text_hash TEXT;
        CREATE INDEX messages_text_hash ON messages(text_hash, created_at);
        CREATE TABLE staff_away (email TEXT PRIMARY KEY, since REAL NOT NULL);
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            recipient TEXT NOT NULL,
            recipient_name TEXT,
            grouping TEXT NOT NULL,
            kind TEXT NOT NULL,
            ticket_id INTEGER REFERENCES tickets(id),
            mail TEXT NOT NULL,
            queued_at REAL NOT NULL,
            due_at REAL NOT NULL,
            sent_at REAL
        );
        CREATE INDEX notices_due ON notices(sent_at, due_at);
        CREATE INDEX notices_recipient ON notices(recipient, grouping, sent_at);
        """,
        // 5: the escalation check reads only notices not yet sent, by the instant they fall due (a warning is
        // sent only before its breach); the WHERE clauses are repeated word for word by the queries that use them.
        """
        CREATE INDEX tickets_warning_due ON tickets(warn_at)
            WHERE status = 'open' AND clock_started_at IS NOT NULL AND warning_sent = 0 AND breach_sent = 0;
        CREATE INDEX tickets_breach_due ON tickets(due_at)
            WHERE status = 'open' AND clock_started_at IS NOT NULL AND breach_sent = 0;
        """,
        // 6 (wt/contracts): staff time logged with `#time`, billed against the customer's monthly bundle; GDPR purge
        // and erasure, logged without the erased data.
        """
        CREATE TABLE time_entries (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            message_row INTEGER REFERENCES messages(id),
            staff TEXT NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes > 0),
            category TEXT,
            logged_at REAL NOT NULL
        );
        CREATE INDEX time_entries_ticket ON time_entries(ticket_id, id);
        CREATE INDEX time_entries_logged ON time_entries(logged_at);
        ALTER TABLE tickets ADD COLUMN mail_purged_at REAL;
        CREATE TABLE erasure_log (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, summary TEXT NOT NULL, at REAL NOT NULL);
        """,
        // 7 (wt/oncall): the on-call page of an urgent ticket outside hours: when it started (its ISO week picks the
        // rota's person), pages sent, when the next is due. The escalation pass reads only pages still to send.
        """
        ALTER TABLE tickets ADD COLUMN page_started_at REAL;
        ALTER TABLE tickets ADD COLUMN page_sent INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tickets ADD COLUMN page_next_at REAL;
        CREATE INDEX tickets_page_due ON tickets(page_next_at) WHERE page_next_at IS NOT NULL;
        """,
        // 8 (wt/confirm): which staff mails answered the customer, for the staff notification's "already answered
        // by" line. Mails taken before it are not marked: their role alone cannot tell an answer from commands.
        """
        ALTER TABLE messages ADD COLUMN answers_customer INTEGER NOT NULL DEFAULT 0;
        """,
        // 9 (wt/import, issue 15): each outgoing mail's own envelope token (VERP): a bounce that arrives for
        // support+b<token>@ names the mail it reports, even when it quotes none of its headers.
        """
        ALTER TABLE outbox ADD COLUMN envelope_token TEXT;
        CREATE UNIQUE INDEX outbox_envelope_token ON outbox(envelope_token) WHERE envelope_token IS NOT NULL;
        """,
        // 10 (wt/split): `#merge` marks the folded ticket; a customer message that reopened a ticket keeps what the
        // ticket was before, so `#split` can put it back; refused mail waits for the daily digest.
        """
        ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id);
        ALTER TABLE messages ADD COLUMN status_before TEXT;
        ALTER TABLE messages ADD COLUMN resolved_at_before REAL;
        CREATE INDEX intake_outcome_time ON intake(outcome, processed_at);
        """,
        // 11 (wt/monthly): work the worker does once per period — the CSMs' monthly reports ("csm-report",
        // "2026-11"), the daily purge ("purge", "2026-12-02"); the row is written in the same transaction as the
        // work's result, so a restart or a second pass in the same minute finds it done.
        """
        CREATE TABLE scheduled_runs (job TEXT NOT NULL, period TEXT NOT NULL, done_at REAL NOT NULL,
            summary TEXT NOT NULL DEFAULT '', PRIMARY KEY (job, period));
        """,
        // 12: the tickets folded into one (`#merge`), for the report that counts them once.
        """
        CREATE INDEX tickets_merged_into ON tickets(merged_into) WHERE merged_into IS NOT NULL;
        """,
        // 13: the refused-mail digest's day joins the other once-per-period work in scheduled_runs.
        """
        INSERT OR IGNORE INTO scheduled_runs (job, period, done_at, summary)
            SELECT 'refused-digest', d.value, CAST(u.value AS REAL), '' FROM worker_state d
            JOIN worker_state u ON u.key = 'refused_digest.until' WHERE d.key = 'refused_digest.day';
        DELETE FROM worker_state WHERE key IN ('refused_digest.day', 'refused_digest.until');
        """,
    ]
}
