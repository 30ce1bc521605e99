-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL CHECK (role IN ('owner', 'facilitator')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE workspaces (
    tenant_id          TEXT NOT NULL REFERENCES tenants(id),
    id                 TEXT NOT NULL,
    title              TEXT NOT NULL,
    country            TEXT NOT NULL DEFAULT '',
    motivations        TEXT NOT NULL DEFAULT '[]',
    use_cases          TEXT NOT NULL DEFAULT '[]',
    attribution        TEXT NOT NULL CHECK (attribution IN ('named', 'group')),
    min_group_size     INTEGER NOT NULL DEFAULT 1,
    instrument_version TEXT NOT NULL,
    archived           INTEGER NOT NULL DEFAULT 0,
    created_by         TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    last_seq           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE workspace_sessions (
    tenant_id     TEXT NOT NULL,
    workspace_id  TEXT NOT NULL,
    spotlight     TEXT NOT NULL DEFAULT '',
    locked        TEXT NOT NULL DEFAULT '[]',
    blind         INTEGER NOT NULL DEFAULT 0,
    round         INTEGER NOT NULL DEFAULT 1,
    timer_ends_at TIMESTAMP,
    PRIMARY KEY (tenant_id, workspace_id),
    FOREIGN KEY (tenant_id, workspace_id) REFERENCES workspaces (tenant_id, id)
);

CREATE TABLE invites (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    workspace_id      TEXT NOT NULL,
    stakeholder_group TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('participant', 'observer')),
    label             TEXT NOT NULL DEFAULT '',
    token_hash        TEXT NOT NULL UNIQUE,
    expires_at        TIMESTAMP,
    max_uses          INTEGER NOT NULL DEFAULT 0,
    uses              INTEGER NOT NULL DEFAULT 0,
    revoked_at        TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, workspace_id) REFERENCES workspaces (tenant_id, id)
);
CREATE INDEX invites_workspace ON invites (tenant_id, workspace_id);

CREATE TABLE participants (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    workspace_id      TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    organization      TEXT NOT NULL DEFAULT '',
    stakeholder_group TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('participant', 'observer')),
    invite_id         TEXT NOT NULL,
    return_hash       TEXT NOT NULL UNIQUE,
    joined_at         TIMESTAMP NOT NULL,
    removed_at        TIMESTAMP,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, workspace_id) REFERENCES workspaces (tenant_id, id)
);
CREATE INDEX participants_workspace ON participants (tenant_id, workspace_id);

CREATE TABLE session_participants (
    token_hash     TEXT NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
    tenant_id      TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    PRIMARY KEY (token_hash, participant_id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id)
);

CREATE TABLE answers (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    workspace_id      TEXT NOT NULL,
    question_id       TEXT NOT NULL,
    participant_id    TEXT NOT NULL,
    stakeholder_group TEXT NOT NULL,
    value             TEXT,
    status            TEXT NOT NULL CHECK (status IN ('answered', 'not_applicable', 'unknown')),
    rationale         TEXT NOT NULL DEFAULT '',
    evidence          TEXT NOT NULL DEFAULT '[]',
    revision          INTEGER NOT NULL,
    round             INTEGER NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, workspace_id, participant_id, question_id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id)
);
CREATE INDEX answers_workspace ON answers (tenant_id, workspace_id, question_id);

CREATE TABLE answer_revisions (
    tenant_id         TEXT NOT NULL,
    answer_id         TEXT NOT NULL,
    revision          INTEGER NOT NULL,
    workspace_id      TEXT NOT NULL,
    question_id       TEXT NOT NULL,
    participant_id    TEXT NOT NULL,
    stakeholder_group TEXT NOT NULL,
    value             TEXT,
    status            TEXT NOT NULL,
    rationale         TEXT NOT NULL DEFAULT '',
    evidence          TEXT NOT NULL DEFAULT '[]',
    round             INTEGER NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    client_key        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, answer_id, revision),
    FOREIGN KEY (tenant_id, answer_id) REFERENCES answers (tenant_id, id)
);
CREATE INDEX answer_revisions_workspace ON answer_revisions (tenant_id, workspace_id, question_id);
CREATE UNIQUE INDEX answer_revisions_client_key ON answer_revisions (tenant_id, workspace_id, participant_id, client_key) WHERE client_key <> '';

CREATE TABLE comments (
    tenant_id          TEXT NOT NULL,
    id                 TEXT NOT NULL,
    workspace_id       TEXT NOT NULL,
    question_id        TEXT NOT NULL,
    parent_id          TEXT NOT NULL DEFAULT '',
    body               TEXT NOT NULL,
    stance             TEXT NOT NULL DEFAULT '',
    author_participant TEXT NOT NULL DEFAULT '',
    author_user        TEXT NOT NULL DEFAULT '',
    author_name        TEXT NOT NULL,
    author_group       TEXT NOT NULL DEFAULT '',
    author_facilitator INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    edited             INTEGER NOT NULL DEFAULT 0,
    deleted            INTEGER NOT NULL DEFAULT 0,
    hidden             INTEGER NOT NULL DEFAULT 0,
    hidden_reason      TEXT NOT NULL DEFAULT '',
    hidden_at          TIMESTAMP,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, workspace_id) REFERENCES workspaces (tenant_id, id)
);
CREATE INDEX comments_question ON comments (tenant_id, workspace_id, question_id, created_at);

CREATE TABLE last_seen (
    tenant_id    TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    viewer_key   TEXT NOT NULL,
    question_id  TEXT NOT NULL,
    seen_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, workspace_id, viewer_key, question_id)
);

CREATE TABLE syntheses (
    tenant_id    TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    question_id  TEXT NOT NULL,
    status       TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    dissent      TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, workspace_id, question_id),
    FOREIGN KEY (tenant_id, workspace_id) REFERENCES workspaces (tenant_id, id)
);

CREATE TABLE events (
    tenant_id    TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    type         TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, workspace_id, seq),
    FOREIGN KEY (tenant_id, workspace_id) REFERENCES workspaces (tenant_id, id)
);

CREATE TABLE instruments (
    version     TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE instrument_questions (
    version     TEXT NOT NULL REFERENCES instruments(version),
    question_id TEXT NOT NULL,
    meaning     TEXT NOT NULL,
    PRIMARY KEY (version, question_id)
);

CREATE TABLE taxonomy_terms (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, id)
);

CREATE TABLE case_studies (
    tenant_id  TEXT NOT NULL DEFAULT '',
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE case_studies;
DROP TABLE taxonomy_terms;
DROP TABLE instrument_questions;
DROP TABLE instruments;
DROP TABLE events;
DROP TABLE syntheses;
DROP TABLE last_seen;
DROP TABLE comments;
DROP TABLE answer_revisions;
DROP TABLE answers;
DROP TABLE session_participants;
DROP TABLE participants;
DROP TABLE invites;
DROP TABLE workspace_sessions;
DROP TABLE workspaces;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE tenants;
DROP TABLE users;
