-- nabolag workspace schema (SQLite + SpatiaLite). Created by `nabolag init`;
-- owned by src/store*.c. The geometry column areas.geom is added by the store
-- with AddGeometryColumn in the workspace's working CRS (meta 'srid').
-- Conventions: area ids and variable names are TEXT compared exactly; values
-- are REAL with NULL meaning "missing"; *_status columns hold
-- 'ok' | 'missing' | 'not_evaluable' | 'suppressed'; booleans are 0/1/NULL.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- Every import, compute and export run, for provenance and `nabolag info`.
CREATE TABLE runs (
    run_id        INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,  -- areas|stats|refs|incidents|plans|compute|export|alerts|notify|run
    source        TEXT,           -- input file name (as given), ruleset name, or delivery URL (always redacted: no password, no query string)
    started_at    TEXT NOT NULL,  -- ISO 8601 UTC
    rows_read     INTEGER,
    rows_stored   INTEGER,
    rows_rejected INTEGER,
    repaired      INTEGER,        -- geometries repaired (areas)
    detail        TEXT            -- JSON with further counts
);

CREATE TABLE areas (
    area_id      TEXT PRIMARY KEY,
    name         TEXT,
    municipality TEXT,
    region       TEXT,
    source       TEXT,            -- input file name (redacted: no URL password or query string)
    area_m2      REAL             -- planar area in the working CRS
);

-- Variables known to the workspace: the canonical ones (seeded at init) and
-- any declared by an indicator config. A variable with a denominator is a
-- count that may not exceed its denominator in the same area and year.
CREATE TABLE variables (
    name        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,    -- count|amount|mean|percent|value
    denominator TEXT,             -- variable it is a part of, or NULL
    label       TEXT
);

CREATE TABLE stats (
    area_id  TEXT NOT NULL REFERENCES areas(area_id),
    year     INTEGER NOT NULL,
    variable TEXT NOT NULL REFERENCES variables(name),
    value    REAL,                -- NULL = missing (blank, '..', 'NA')
    PRIMARY KEY (area_id, year, variable)
) WITHOUT ROWID;

-- How values derived from grid cells (`import grid`) were made: the same
-- key as stats, the share of the area covered by suppressed cells, and
-- 'ok' or 'not_evaluable' (value NULL: too much of the area suppressed).
-- Workspaces made before this table are given it by the first grid import.
CREATE TABLE grid_results (
    area_id       TEXT NOT NULL,
    year          INTEGER NOT NULL,
    variable      TEXT NOT NULL,
    value         REAL,
    missing_share REAL NOT NULL,
    status        TEXT NOT NULL,
    method        TEXT NOT NULL,  -- area|centroid
    source        TEXT,
    PRIMARY KEY (area_id, year, variable)
) WITHOUT ROWID;

CREATE TABLE refs (
    scope    TEXT NOT NULL CHECK (scope IN ('country','region','municipality')),
    code     TEXT NOT NULL,       -- '' for country
    year     INTEGER NOT NULL,
    variable TEXT NOT NULL,
    value    REAL,
    PRIMARY KEY (scope, code, year, variable)
) WITHOUT ROWID;

-- Statutory criteria per area, year and ruleset (long form: one row per
-- criterion). value is in display units: percent for shares, percent of the
-- regional mean for inc, residents for size. ratio is the area share divided
-- by the country share (cri). met is the main (udsat) threshold, met_low the
-- lower (forebyggelse) threshold; NULL when not evaluable.
CREATE TABLE criterion_results (
    area_id   TEXT NOT NULL,
    year      INTEGER NOT NULL,
    ruleset   TEXT NOT NULL,
    criterion TEXT NOT NULL,
    value     REAL,
    ratio     REAL,
    status    TEXT NOT NULL,
    met       INTEGER,
    met_low   INTEGER,
    threshold REAL,               -- main threshold in the units of value/ratio
    threshold_low REAL,
    PRIMARY KEY (area_id, year, ruleset, criterion)
) WITHOUT ROWID;

-- Category per area, year and ruleset, labelled with the dk2021 codes:
-- omdannelse|parallelsamfund|udsat|forebyggelse|none|not_evaluable.
CREATE TABLE category_results (
    area_id         TEXT NOT NULL,
    year            INTEGER NOT NULL,
    ruleset         TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    category        TEXT NOT NULL,
    criteria_met    INTEGER,      -- count of the ruleset's criteria met
    criteria_not_evaluable INTEGER,
    criteria_needed INTEGER,      -- criteria needed for udsat under the ruleset
    criteria_met_low INTEGER,     -- criteria met at the lower (forebyggelse) thresholds
    parallel_years  INTEGER,      -- consecutive years parallelsamfund up to year
    omdannelse_years INTEGER,     -- consecutive parallelsamfund years that make omdannelse
    computed_at     TEXT NOT NULL,
    PRIMARY KEY (area_id, year, ruleset)
) WITHOUT ROWID;

-- Alerts with history. (area_id, year, ruleset, kind, rule) identifies an
-- alert; re-running a year updates nothing but state bookkeeping.
CREATE TABLE alerts (
    alert_id   INTEGER PRIMARY KEY,
    area_id    TEXT NOT NULL,
    year       INTEGER NOT NULL,
    ruleset    TEXT NOT NULL,
    kind       TEXT NOT NULL,     -- crossed|approaching|trend|countdown|status_dynamics|safety|improved
    rule       TEXT NOT NULL,     -- criterion id, 'category:<code>', 'safety_index', ...
    value      REAL,
    threshold  REAL,
    severity   TEXT NOT NULL,     -- info|warning|critical
    message    TEXT NOT NULL,
    state      TEXT NOT NULL,     -- new|ongoing|resolved
    first_year INTEGER,           -- first year this condition was alerted
    created_at TEXT NOT NULL,
    delivered_at TEXT,            -- NULL until delivered by --notify
    UNIQUE (area_id, year, ruleset, kind, rule)
);

-- Incidents aggregated to areas (points are not stored).
CREATE TABLE incident_counts (
    area_id  TEXT NOT NULL,
    year     INTEGER NOT NULL,
    category TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (area_id, year, category)
) WITHOUT ROWID;

-- Area profile (BoSocData-style), one row per area, year and indicator.
CREATE TABLE profile_results (
    area_id   TEXT NOT NULL,
    year      INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    value     REAL,
    status    TEXT NOT NULL,
    reference REAL,
    sd_distance REAL,
    change    REAL,
    points    INTEGER,
    PRIMARY KEY (area_id, year, indicator)
) WITHOUT ROWID;

CREATE TABLE profile_scores (
    area_id TEXT NOT NULL,
    year    INTEGER NOT NULL,
    points  INTEGER,
    band    TEXT,                 -- green|yellow|orange|red, NULL if not scored
    PRIMARY KEY (area_id, year)
) WITHOUT ROWID;

-- Status/dynamics (after Berlin's Monitoring Soziale Stadtentwicklung), by
-- the method of [status_dynamics] (docs/methods.md); written by the alerts
-- module. One row per area the method saw: NULL index and classes with
-- status_st/dynamics_st 'excluded', 'small' or 'missing' when not classified.
CREATE TABLE status_dynamics (
    area_id        TEXT NOT NULL,
    year           INTEGER NOT NULL,
    ruleset        TEXT NOT NULL,
    status_index   REAL,
    dynamics_index REAL,
    status_class   TEXT,          -- the method's class names (built in:
    dynamics_class TEXT,          --  high..very_low, positive..negative)
    sd_group       TEXT,          -- '<status_class>/<dynamics_class>'
    status_st      TEXT,          -- ok|excluded|small|missing
    dynamics_st    TEXT,          -- ok|excluded|small|missing
    method         TEXT,          -- builtin|berlin_mss
    PRIMARY KEY (area_id, year, ruleset)
) WITHOUT ROWID;

-- The effective ruleset (after overrides) each compute used, for provenance.
CREATE TABLE rulesets (
    name       TEXT PRIMARY KEY,
    version    TEXT NOT NULL,
    definition TEXT NOT NULL,     -- INI text
    computed_at TEXT NOT NULL
);

CREATE TABLE safety_results (
    area_id      TEXT NOT NULL,
    year         INTEGER NOT NULL,
    perceived    REAL,
    problems     REAL,
    registered   REAL,
    safety_index REAL,
    safety_band  TEXT,
    flag_safe    INTEGER,         -- under 85 % feel safe in the neighbourhood
    flag_night   INTEGER,         -- under 75 % feel safe in the evening/night
    PRIMARY KEY (area_id, year)
) WITHOUT ROWID;

CREATE TABLE plans (
    plan_id    TEXT NOT NULL,
    name       TEXT,
    start_year INTEGER NOT NULL,
    end_year   INTEGER NOT NULL,
    source     TEXT,
    PRIMARY KEY (plan_id, start_year)
);

CREATE TABLE plan_areas (
    plan_id    TEXT NOT NULL,
    start_year INTEGER NOT NULL,
    area_id    TEXT NOT NULL REFERENCES areas(area_id),
    share_inside REAL,            -- for polygon plans: share of the area inside
    PRIMARY KEY (plan_id, start_year, area_id)
) WITHOUT ROWID;

CREATE TABLE plan_targets (
    plan_id    TEXT NOT NULL,
    start_year INTEGER NOT NULL,
    indicator  TEXT NOT NULL,
    target     REAL NOT NULL,
    PRIMARY KEY (plan_id, start_year, indicator)
) WITHOUT ROWID;

INSERT INTO variables (name, kind, denominator, label) VALUES
    ('pop', 'count', NULL, 'Residents, all ages'),
    ('pop_18_64', 'count', 'pop', 'Residents 18-64'),
    ('noattach_18_64', 'count', 'pop_18_64', 'Residents 18-64 outside the labour market and education'),
    ('pop_18p', 'count', 'pop', 'Residents 18 and over'),
    ('convicted_18p', 'count', 'pop_18p', 'Residents 18+ convicted (criminal code, weapons act, euphoriant substances act)'),
    ('pop_30_59', 'count', 'pop', 'Residents 30-59'),
    ('basic_edu_30_59', 'count', 'pop_30_59', 'Residents 30-59 with only basic school'),
    ('basic_or_unknown_edu_30_59', 'count', 'pop_30_59', 'Residents 30-59 with only basic school or unknown education'),
    ('taxpayers_15_64', 'count', NULL, 'Taxpayers 15-64 excluding students'),
    ('income_15_64', 'amount', NULL, 'Summed gross income of taxpayers 15-64 (DKK)'),
    ('income_mean_15_64', 'mean', NULL, 'Mean gross income of taxpayers 15-64 (DKK)'),
    ('nonwestern', 'count', 'pop', 'Immigrants and descendants from non-western countries'),
    ('pop_0_17', 'count', 'pop', 'Residents 0-17'),
    ('households', 'count', NULL, 'Households'),
    ('households_moved_out', 'count', 'households', 'Households moving out during the year'),
    ('evictions', 'count', 'households', 'Evictions carried out'),
    ('survey_n', 'count', NULL, 'Safety survey respondents'),
    ('survey_safe', 'count', 'survey_n', 'Respondents who feel safe in the neighbourhood'),
    ('survey_safe_night', 'count', 'survey_n', 'Respondents who feel safe in the evening and at night'),
    ('survey_problems', 'count', 'survey_n', 'Respondents who report neighbourhood problems'),
    -- statistics given as shares (percent; used where the counts are absent)
    ('lab_share', 'percent', 'pop_18_64', 'Share (%) of residents 18-64 outside the labour market and education'),
    ('cri_share', 'percent', 'pop_18p', 'Share (%) of residents 18+ convicted'),
    ('cri_threshold', 'percent', 'pop_18p', 'Printed threshold share (%) of the convictions criterion (refs, country)'),
    ('edu_share', 'percent', 'pop_30_59', 'Share (%) of residents 30-59 with only basic school'),
    ('edu_or_unknown_share', 'percent', 'pop_30_59', 'Share (%) of residents 30-59 with only basic school or unknown education'),
    ('eth_share', 'percent', 'pop', 'Share (%) of immigrants and descendants from non-western countries'),
    ('inc_pct', 'value', NULL, 'Mean income of taxpayers 15-64 as percent of the regional mean');
