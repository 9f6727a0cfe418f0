# tests/pg/server.sh - a throwaway PostgreSQL 15 + PostGIS 3 server for the
# tests, sourced by them: `pg_start DIR` initialises a cluster in DIR/data
# and starts it listening on a Unix socket in DIR only (no TCP), with a
# database `gis` that has PostGIS; `pg_stop` stops it. As root the server
# runs as the user nobody (initdb refuses root). Sets PGHOST, PGUSER,
# PGDATABASE and NBL_PG (the connection string for nabolag: PG:...).
# `pg_missing` prints why the server cannot be started and returns 0 when
# the packages are missing (postgresql-15 and postgresql-15-postgis-3,
# installed by scripts/deps.sh).

PG_BIN=/usr/lib/postgresql/15/bin

pg_missing() {
    if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
        echo "PostgreSQL 15 is not installed (package postgresql-15)"
        return 0
    fi
    if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
        echo "PostGIS 3 for PostgreSQL 15 is not installed" \
            "(package postgresql-15-postgis-3)"
        return 0
    fi
    command -v psql >/dev/null || {
        echo "psql is not installed (package postgresql-client-15)"
        return 0
    }
    return 1
}

pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u nobody -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    PG_DIR=$1
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown nobody "$PG_DIR"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U nabolag \
        -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log"
        return 1
    }
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
        -l "$PG_DIR/server.log" \
        -o "-c listen_addresses='' -k $PG_DIR -c fsync=off" start \
        >/dev/null || {
        cat "$PG_DIR/server.log"
        return 1
    }
    PG_STARTED=1
    export PGHOST=$PG_DIR PGUSER=nabolag PGDATABASE=gis
    psql -q -d postgres -c "CREATE DATABASE gis" >/dev/null &&
        psql -q -c "CREATE EXTENSION postgis" >/dev/null || return 1
    NBL_PG="PG:dbname=gis host=$PG_DIR user=nabolag"
    export NBL_PG
}

pg_stop() {
    if [ "${PG_STARTED:-0}" = 1 ]; then
        pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop \
            >/dev/null 2>&1
        PG_STARTED=0
    fi
}
