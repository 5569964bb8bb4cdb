package dev.doppel.engine.conformance;

import java.util.List;

/**
 * The cases: ALTER TABLE statements adapted from PostgreSQL's own regression tests (src/test/regress/sql/
 * alter_table.sql, identity.sql, generated.sql) and from Mastodon's migration history (db/migrate), each on a
 * small filled table so that rows, sequences and dependents all have something to show.
 */
final class ConformanceCases {

    private static final String ALTER_TABLE = "alter_table.sql";
    private static final String IDENTITY = "identity.sql";
    private static final String GENERATED = "generated.sql";
    private static final String MASTODON = "mastodon db/migrate";

    /** A keyed table with a text, a number and a nullable column, 200 rows. */
    private static final String PLAIN = "CREATE TABLE t (id int PRIMARY KEY, b text, n int, v varchar(10));"
            + " INSERT INTO t SELECT g, 'b' || g, g % 7, 'v' || (g % 5) FROM generate_series(1, 200) g;";
    private static final String PARENT = "CREATE TABLE parent (id int PRIMARY KEY);"
            + " INSERT INTO parent SELECT generate_series(1, 10);"
            + " CREATE TABLE t (id int PRIMARY KEY, parent_id int, note text);"
            + " INSERT INTO t SELECT g, 1 + g % 10, 'n' || g FROM generate_series(1, 200) g;";
    /** Keyed on a alone, with b and c nullable: a key to replace by a wider one. */
    private static final String KEYED_ABC = "CREATE TABLE t (a int, b int, c int, note text,"
            + " CONSTRAINT t_pkey PRIMARY KEY (a)); INSERT INTO t SELECT g, g % 3, g % 5, 'n' FROM generate_series(1, 200) g;";
    private static final String REFERENCING_A = " CREATE TABLE child (id int PRIMARY KEY, t_a int REFERENCES t (a));"
            + " INSERT INTO child SELECT g, g FROM generate_series(1, 20) g;";
    private static final String STATUSES = "CREATE TABLE statuses (id serial PRIMARY KEY, uri varchar NOT NULL,"
            + " text text NOT NULL DEFAULT '', reblog_of_id int, in_reply_to_id int, account_id int NOT NULL,"
            + " created_at timestamp NOT NULL);"
            + " INSERT INTO statuses (uri, text, reblog_of_id, account_id, created_at) SELECT 'u' || g, 't' || g,"
            + " CASE WHEN g % 4 = 0 THEN g - 1 END, g % 13, timestamp '2017-03-01' + g * interval '1 minute'"
            + " FROM generate_series(1, 300) g;"
            + " CREATE INDEX index_statuses_on_account_id ON statuses (account_id);";

    /** The range-partitioned table of PostgreSQL's partitioning chapter, with a default partition, 300 rows. */
    private static final String MEASUREMENT = "CREATE TABLE measurement (city_id int NOT NULL, logdate date NOT NULL,"
            + " peaktemp int, unitsales int, PRIMARY KEY (city_id, logdate)) PARTITION BY RANGE (logdate);"
            + " CREATE TABLE measurement_y2006m02 PARTITION OF measurement"
            + " FOR VALUES FROM ('2006-02-01') TO ('2006-03-01');"
            + " CREATE TABLE measurement_y2006m03 PARTITION OF measurement"
            + " FOR VALUES FROM ('2006-03-01') TO ('2006-04-01') WITH (fillfactor = 80);"
            + " CREATE TABLE measurement_default PARTITION OF measurement DEFAULT;"
            + " CREATE INDEX ON measurement (logdate);"
            + " INSERT INTO measurement SELECT g, date '2006-02-01' + g % 70, g % 40, g FROM generate_series(1, 300) g;";
    /** What measurement's cities may reference: 300 of them. */
    private static final String CITY = " CREATE TABLE city (id int PRIMARY KEY, name text);"
            + " INSERT INTO city SELECT g, 'c' || g FROM generate_series(1, 300) g;";
    /** A hash-partitioned table, three partitions, 300 rows. */
    private static final String HASHED = "CREATE TABLE orders (id int PRIMARY KEY, note text, amount numeric(10,2))"
            + " PARTITION BY HASH (id);"
            + " CREATE TABLE orders_p0 PARTITION OF orders FOR VALUES WITH (MODULUS 3, REMAINDER 0);"
            + " CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES WITH (MODULUS 3, REMAINDER 1);"
            + " CREATE TABLE orders_p2 PARTITION OF orders FOR VALUES WITH (MODULUS 3, REMAINDER 2);"
            + " COMMENT ON TABLE orders_p1 IS 'the second';"
            + " INSERT INTO orders SELECT g, 'n' || g, g * 1.25 FROM generate_series(1, 300) g;";
    /** A list-partitioned table whose first partition is range-partitioned again, with a default, 300 rows. */
    private static final String CITIES = "CREATE TABLE cities (id int NOT NULL, region text NOT NULL, name text,"
            + " PRIMARY KEY (id, region)) PARTITION BY LIST (region);"
            + " CREATE TABLE cities_eu PARTITION OF cities FOR VALUES IN ('eu', 'uk') PARTITION BY RANGE (id);"
            + " CREATE TABLE cities_eu_low PARTITION OF cities_eu FOR VALUES FROM (MINVALUE) TO (100);"
            + " CREATE TABLE cities_eu_high PARTITION OF cities_eu FOR VALUES FROM (100) TO (MAXVALUE);"
            + " CREATE TABLE cities_us PARTITION OF cities FOR VALUES IN ('us');"
            + " CREATE TABLE cities_other PARTITION OF cities DEFAULT;"
            + " INSERT INTO cities SELECT g, (ARRAY['eu', 'uk', 'us', 'jp'])[1 + g % 4], 'c' || g"
            + " FROM generate_series(1, 300) g;";
    private static final String PARTITIONING = "ddl-partitioning";

    private ConformanceCases() {
    }

    static List<ConformanceCase> all() {
        return List.of(
                // alter_table.sql: columns
                ConformanceCase.of("at_add_column", ALTER_TABLE, PLAIN, "ADD COLUMN d int"),
                ConformanceCase.of("at_add_column_default", ALTER_TABLE, PLAIN, "ADD COLUMN d int DEFAULT 7"),
                ConformanceCase.of("at_add_column_not_null_no_default", ALTER_TABLE, PLAIN, "ADD COLUMN d int NOT NULL"),
                ConformanceCase.of("at_add_serial", ALTER_TABLE, PLAIN, "ADD COLUMN s serial"),
                ConformanceCase.of("at_add_then_default", ALTER_TABLE, PLAIN,
                        "ADD COLUMN f int, ALTER COLUMN f SET DEFAULT 0"),
                ConformanceCase.of("at_add_then_default_rewrite", ALTER_TABLE, PLAIN,
                        "ALTER COLUMN n TYPE bigint, ADD COLUMN f int, ALTER COLUMN f SET DEFAULT 0"),
                ConformanceCase.of("at_default_then_default_rewrite", ALTER_TABLE, PLAIN,
                        "ALTER COLUMN n TYPE bigint, ADD COLUMN f int DEFAULT 5, ALTER COLUMN f SET DEFAULT 0,"
                                + " ADD COLUMN g text DEFAULT 'x', ALTER COLUMN g DROP DEFAULT"),
                ConformanceCase.of("at_default_then_add", ALTER_TABLE, PLAIN,
                        "ADD COLUMN f int DEFAULT 5, ALTER COLUMN f SET DEFAULT 0"),
                ConformanceCase.of("at_drop_column", ALTER_TABLE, PLAIN, "DROP COLUMN b"),
                ConformanceCase.of("at_drop_missing_column", ALTER_TABLE, PLAIN, "DROP COLUMN nosuch"),
                ConformanceCase.of("at_rename_column", ALTER_TABLE, PLAIN, "RENAME COLUMN b TO label"),
                ConformanceCase.of("at_type_using", ALTER_TABLE, PLAIN,
                        "ALTER COLUMN b TYPE int USING substr(b, 2)::int"),
                ConformanceCase.of("at_type_no_cast", ALTER_TABLE, PLAIN, "ALTER COLUMN b TYPE int"),
                ConformanceCase.of("at_type_bad_data", ALTER_TABLE, PLAIN, "ALTER COLUMN b TYPE int USING b::int"),
                ConformanceCase.of("at_type_widen_varchar", ALTER_TABLE, PLAIN, "ALTER COLUMN v TYPE varchar(20)"),
                ConformanceCase.of("at_type_narrow_varchar", ALTER_TABLE, PLAIN, "ALTER COLUMN b TYPE varchar(2)"),
                ConformanceCase.of("at_type_with_check", ALTER_TABLE, PLAIN
                        + " ALTER TABLE t ADD CONSTRAINT v_short CHECK (length(v) < 5);",
                        "ALTER COLUMN v TYPE varchar(30)"),
                ConformanceCase.of("at_type_bigint", ALTER_TABLE, PLAIN, "ALTER COLUMN n TYPE bigint"),
                // alter_table.sql: constraints
                ConformanceCase.of("at_add_check_unnamed", ALTER_TABLE, PLAIN, "ADD CHECK (n >= 0)"),
                ConformanceCase.of("at_add_check_named", ALTER_TABLE, PLAIN, "ADD CONSTRAINT n_small CHECK (n < 7)"),
                ConformanceCase.of("at_add_check_violated", ALTER_TABLE, PLAIN, "ADD CONSTRAINT n_big CHECK (n > 3)"),
                ConformanceCase.of("at_add_check_not_valid", ALTER_TABLE, PLAIN,
                        "ADD CONSTRAINT n_big CHECK (n > 3) NOT VALID"),
                ConformanceCase.of("at_validate_constraint", ALTER_TABLE, PLAIN
                        + " ALTER TABLE t ADD CONSTRAINT n_small CHECK (n < 7) NOT VALID;", "VALIDATE CONSTRAINT n_small"),
                ConformanceCase.of("at_add_fk_unnamed", ALTER_TABLE, PARENT,
                        "ADD FOREIGN KEY (parent_id) REFERENCES @.parent"),
                ConformanceCase.of("at_add_fk_named", ALTER_TABLE, PARENT,
                        "ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES @.parent"),
                ConformanceCase.of("at_add_fk_violated", ALTER_TABLE, PARENT + " UPDATE t SET parent_id = 99 WHERE id = 5;",
                        "ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES @.parent"),
                ConformanceCase.of("at_readd_fk", ALTER_TABLE, PARENT
                        + " ALTER TABLE t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parent;",
                        "DROP CONSTRAINT t_parent_fk, ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id)"
                                + " REFERENCES @.parent ON DELETE CASCADE"),
                ConformanceCase.of("at_readd_fk_violated", ALTER_TABLE, PARENT + " UPDATE t SET parent_id = 99 WHERE id = 5;"
                        + " ALTER TABLE t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;",
                        "DROP CONSTRAINT t_parent_fk, ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id)"
                                + " REFERENCES @.parent ON DELETE CASCADE"),
                ConformanceCase.of("at_readd_fk_unnamed", ALTER_TABLE, PARENT
                        + " ALTER TABLE t ADD FOREIGN KEY (parent_id) REFERENCES parent;",
                        "DROP CONSTRAINT t_parent_id_fkey, ADD FOREIGN KEY (parent_id) REFERENCES @.parent ON DELETE SET NULL"),
                ConformanceCase.of("at_add_column_fk_default", ALTER_TABLE, PARENT,
                        "ADD COLUMN other_id int DEFAULT 1 REFERENCES @.parent"),
                ConformanceCase.of("at_add_column_unique", ALTER_TABLE, PLAIN, "ADD COLUMN x int UNIQUE"),
                ConformanceCase.of("at_add_column_check", ALTER_TABLE, PLAIN, "ADD COLUMN x int CHECK (x > 0)"),
                ConformanceCase.of("at_add_unique_unnamed", ALTER_TABLE, PLAIN, "ADD UNIQUE (b)"),
                ConformanceCase.of("at_add_unique_duplicates", ALTER_TABLE, PLAIN, "ADD UNIQUE (n)"),
                ConformanceCase.of("at_set_not_null", ALTER_TABLE, PLAIN, "ALTER COLUMN b SET NOT NULL"),
                ConformanceCase.of("at_set_not_null_violated", ALTER_TABLE, PLAIN + " UPDATE t SET b = NULL WHERE id = 3;",
                        "ALTER COLUMN b SET NOT NULL"),
                ConformanceCase.of("at_replace_pk", ALTER_TABLE, "CREATE TABLE t (a int, b int, c int, note text,"
                        + " CONSTRAINT t_pkey PRIMARY KEY (a));"
                        + " INSERT INTO t SELECT g, g % 3, g % 5, 'n' FROM generate_series(1, 200) g;",
                        "DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_pkey PRIMARY KEY (a, b, c)"),
                ConformanceCase.of("at_replace_pk_unnamed", ALTER_TABLE, KEYED_ABC,
                        "DROP CONSTRAINT t_pkey, ADD PRIMARY KEY (a, b, c)"),
                ConformanceCase.of("at_replace_pk_referenced", ALTER_TABLE, KEYED_ABC + REFERENCING_A,
                        "DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_pkey PRIMARY KEY (a, b, c)"),
                ConformanceCase.of("at_replace_pk_cascade", ALTER_TABLE, KEYED_ABC + REFERENCING_A,
                        "DROP CONSTRAINT t_pkey CASCADE, ADD CONSTRAINT t_pkey PRIMARY KEY (a, b, c)"),
                ConformanceCase.of("at_replace_pk_duplicates", ALTER_TABLE, KEYED_ABC,
                        "DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_pkey PRIMARY KEY (b, c)"),
                ConformanceCase.of("at_replace_pk_rewrite_referenced", ALTER_TABLE, KEYED_ABC + REFERENCING_A,
                        "ALTER COLUMN note TYPE varchar(1), DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_pkey"
                                + " PRIMARY KEY (a, b, c)"),
                ConformanceCase.of("at_replace_pk_rewrite", ALTER_TABLE, KEYED_ABC,
                        "ALTER COLUMN note TYPE varchar(1), DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_pkey"
                                + " PRIMARY KEY (a, b, c)"),
                ConformanceCase.of("at_view_default", ALTER_TABLE, PLAIN + " CREATE VIEW tv AS SELECT id, b FROM t;"
                        + " ALTER VIEW tv ALTER COLUMN b SET DEFAULT 'x';", "ALTER COLUMN n TYPE bigint"),
                ConformanceCase.of("at_matview", ALTER_TABLE, PLAIN + " CREATE MATERIALIZED VIEW tm AS"
                        + " SELECT n, count(*) AS c FROM t GROUP BY n; CREATE UNIQUE INDEX tm_n ON tm (n);",
                        "ALTER COLUMN b TYPE varchar(20)"),
                ConformanceCase.of("at_matview_no_data", ALTER_TABLE, PLAIN + " CREATE MATERIALIZED VIEW tm AS"
                        + " SELECT id, b FROM t WITH NO DATA;", "ALTER COLUMN v TYPE varchar(2)"),
                ConformanceCase.of("at_matview_dressed", ALTER_TABLE, PLAIN + " CREATE TABLE other (x int PRIMARY KEY,"
                        + " label text); INSERT INTO other SELECT g, 'o' || g FROM generate_series(0, 6) g;"
                        + " CREATE MATERIALIZED VIEW tm WITH (fillfactor = 70) AS SELECT t.id, t.b, o.label FROM t"
                        + " JOIN other o ON o.x = t.n WHERE t.id < 150; COMMENT ON MATERIALIZED VIEW tm IS 'report';"
                        + " COMMENT ON COLUMN tm.label IS 'from other'; CREATE UNIQUE INDEX tm_id ON tm (id);"
                        + " CREATE INDEX tm_label ON tm (label) WHERE label <> 'o0'; COMMENT ON INDEX tm_label IS 'i';"
                        + " GRANT SELECT ON tm TO PUBLIC;", "ALTER COLUMN v TYPE varchar(2)"),
                ConformanceCase.of("at_matview_column_dropped", ALTER_TABLE, PLAIN + " CREATE MATERIALIZED VIEW tm AS"
                        + " SELECT id, v FROM t;", "DROP COLUMN v"),
                // identity.sql
                ConformanceCase.of("id_int_to_bigint", IDENTITY, "CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY"
                        + " PRIMARY KEY, b text); INSERT INTO t (b) SELECT 'b' || g FROM generate_series(1, 50) g;",
                        "ALTER COLUMN a TYPE bigint"),
                ConformanceCase.of("id_smallint_to_int", IDENTITY, "CREATE TABLE t (a smallint GENERATED BY DEFAULT AS"
                        + " IDENTITY (START WITH 7 INCREMENT BY 5) PRIMARY KEY, b text);"
                        + " INSERT INTO t (b) SELECT 'b' || g FROM generate_series(1, 20) g;", "ALTER COLUMN a TYPE int"),
                ConformanceCase.of("id_rewrite_keeps_type", IDENTITY, "CREATE TABLE t (a int GENERATED ALWAYS AS"
                        + " IDENTITY PRIMARY KEY, b text); INSERT INTO t (b) SELECT 'b' || g FROM generate_series(1, 30) g;",
                        "ALTER COLUMN b TYPE int USING length(b)"),
                ConformanceCase.of("id_type_text", IDENTITY, "CREATE TABLE t (a smallint GENERATED BY DEFAULT AS IDENTITY"
                        + " PRIMARY KEY, b text); INSERT INTO t (b) VALUES ('x');", "ALTER COLUMN a TYPE text"),
                ConformanceCase.of("id_set_default", IDENTITY, "CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY"
                        + " PRIMARY KEY, b text); INSERT INTO t (b) VALUES ('x');", "ALTER COLUMN a SET DEFAULT 1"),
                ConformanceCase.of("id_set_generated", IDENTITY, "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY"
                        + " PRIMARY KEY, b text); INSERT INTO t (b) SELECT 'b' || g FROM generate_series(1, 10) g;",
                        "ALTER COLUMN a SET GENERATED BY DEFAULT SET INCREMENT BY 2 SET START WITH 100 RESTART"),
                ConformanceCase.of("id_drop_identity", IDENTITY, "CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY"
                        + " PRIMARY KEY, b text); INSERT INTO t (b) SELECT 'b' || g FROM generate_series(1, 10) g;",
                        "ALTER COLUMN a DROP IDENTITY"),
                ConformanceCase.of("id_add_identity", IDENTITY, "CREATE TABLE t (a int NOT NULL PRIMARY KEY, b text);"
                        + " INSERT INTO t SELECT g, 'b' || g FROM generate_series(1, 10) g;",
                        "ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY"),
                ConformanceCase.of("id_add_identity_nullable", IDENTITY, "CREATE TABLE t (id int PRIMARY KEY, a int);"
                        + " INSERT INTO t SELECT g, g FROM generate_series(1, 10) g;",
                        "ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY"),
                ConformanceCase.of("id_add_identity_column", IDENTITY, PLAIN,
                        "ADD COLUMN c bigint GENERATED ALWAYS AS IDENTITY"),
                ConformanceCase.of("id_serial_to_identity", IDENTITY, "CREATE TABLE t (a serial PRIMARY KEY, b text);"
                        + " INSERT INTO t (b) VALUES ('x');", "ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY"),
                // generated.sql
                ConformanceCase.of("gen_add_stored", GENERATED, PLAIN,
                        "ADD COLUMN g int GENERATED ALWAYS AS (n * 2) STORED"),
                ConformanceCase.of("gen_type_of_generated", GENERATED, PLAIN
                        + " ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (n * 2) STORED;",
                        "ALTER COLUMN x TYPE numeric"),
                ConformanceCase.of("gen_type_of_base", GENERATED, PLAIN
                        + " ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (n * 2) STORED;",
                        "ALTER COLUMN n TYPE bigint"),
                ConformanceCase.of("gen_type_of_base_text", GENERATED, PLAIN
                        + " ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (n * 2) STORED;",
                        "ALTER COLUMN n TYPE text"),
                ConformanceCase.of("gen_drop_expression", GENERATED, PLAIN
                        + " ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (n * 2) STORED;",
                        "ALTER COLUMN x DROP EXPRESSION"),
                ConformanceCase.of("gen_set_default_on_generated", GENERATED, PLAIN
                        + " ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (n * 2) STORED;",
                        "ALTER COLUMN x SET DEFAULT 3"),
                // partitioned tables (PostgreSQL's partitioning chapter, ddl.sgml)
                new ConformanceCase("pt_range_type", PARTITIONING, MEASUREMENT, "measurement",
                        "ALTER COLUMN peaktemp TYPE bigint"),
                new ConformanceCase("pt_range_add_column", PARTITIONING, MEASUREMENT, "measurement",
                        "ADD COLUMN note text"),
                new ConformanceCase("pt_range_add_check", PARTITIONING, MEASUREMENT, "measurement",
                        "ADD CONSTRAINT sales_positive CHECK (unitsales > 0)"),
                new ConformanceCase("pt_range_key_type", PARTITIONING, MEASUREMENT, "measurement",
                        "ALTER COLUMN logdate TYPE timestamp"),
                new ConformanceCase("pt_hash_drop_column", PARTITIONING, HASHED, "orders", "DROP COLUMN note"),
                new ConformanceCase("pt_hash_type_using", PARTITIONING, HASHED, "orders",
                        "ALTER COLUMN amount TYPE bigint USING (amount * 100)::bigint"),
                new ConformanceCase("pt_hash_add_unique", PARTITIONING, HASHED, "orders", "ADD UNIQUE (id, note)"),
                new ConformanceCase("pt_hash_unique_without_key", PARTITIONING, HASHED, "orders", "ADD UNIQUE (note)"),
                new ConformanceCase("pt_list_type", PARTITIONING, CITIES, "cities", "ALTER COLUMN name TYPE varchar(40)"),
                new ConformanceCase("pt_list_set_not_null", PARTITIONING, CITIES, "cities",
                        "ALTER COLUMN name SET NOT NULL"),
                new ConformanceCase("pt_list_add_column_default", PARTITIONING, CITIES, "cities",
                        "ADD COLUMN population int NOT NULL DEFAULT 0"),
                new ConformanceCase("pt_dependents", PARTITIONING, MEASUREMENT
                        + " CREATE VIEW hot AS SELECT city_id, logdate, peaktemp FROM measurement WHERE peaktemp > 30;"
                        + " CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$BEGIN NEW.unitsales := coalesce(NEW.unitsales, 0); RETURN NEW; END$$;"
                        + " CREATE TRIGGER measurement_stamp BEFORE INSERT ON measurement FOR EACH ROW"
                        + " EXECUTE FUNCTION stamp();"
                        + " GRANT SELECT ON measurement TO PUBLIC; COMMENT ON TABLE measurement IS 'readings';"
                        + " ALTER TABLE measurement ENABLE ROW LEVEL SECURITY;"
                        + " CREATE POLICY warm ON measurement USING (peaktemp > 0);"
                        + " CREATE PUBLICATION measurement_pub FOR TABLE measurement;", "measurement",
                        "ALTER COLUMN unitsales TYPE bigint"),
                new ConformanceCase("pt_fk_out", PARTITIONING, MEASUREMENT + CITY
                        + " ALTER TABLE measurement ADD CONSTRAINT measurement_city FOREIGN KEY (city_id)"
                        + " REFERENCES city (id) ON DELETE CASCADE;", "measurement",
                        "ALTER COLUMN peaktemp TYPE bigint"),
                new ConformanceCase("pt_fk_add", PARTITIONING, MEASUREMENT + CITY, "measurement",
                        "ADD FOREIGN KEY (city_id) REFERENCES @.city (id)"),
                new ConformanceCase("pt_fk_in", PARTITIONING, MEASUREMENT
                        + " CREATE TABLE reading (id int PRIMARY KEY, city_id int, logdate date,"
                        + " FOREIGN KEY (city_id, logdate) REFERENCES measurement ON DELETE CASCADE);"
                        + " INSERT INTO reading SELECT g, g, date '2006-02-01' + g % 70 FROM generate_series(1, 50) g;"
                        + " CREATE TABLE reading_p (id int, city_id int, logdate date, PRIMARY KEY (id),"
                        + " CONSTRAINT reading_p_of FOREIGN KEY (city_id, logdate) REFERENCES measurement)"
                        + " PARTITION BY RANGE (id);"
                        + " CREATE TABLE reading_p1 PARTITION OF reading_p FOR VALUES FROM (MINVALUE) TO (25);"
                        + " CREATE TABLE reading_p2 PARTITION OF reading_p FOR VALUES FROM (25) TO (MAXVALUE);"
                        + " INSERT INTO reading_p SELECT * FROM reading;", "measurement",
                        "ALTER COLUMN peaktemp TYPE bigint"),
                new ConformanceCase("pt_fk_in_to_plain", PARTITIONING, CITY
                        + " CREATE TABLE visit (id int, city_id int REFERENCES city, PRIMARY KEY (id))"
                        + " PARTITION BY HASH (id);"
                        + " CREATE TABLE visit_0 PARTITION OF visit FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
                        + " CREATE TABLE visit_1 PARTITION OF visit FOR VALUES WITH (MODULUS 2, REMAINDER 1);"
                        + " INSERT INTO visit SELECT g, g FROM generate_series(1, 100) g;", "city",
                        "ALTER COLUMN id TYPE bigint"),
                new ConformanceCase("pt_fk_tree_to_tree", PARTITIONING, CITIES
                        + " CREATE TABLE visit (id int, city_id int, region text, PRIMARY KEY (id),"
                        + " FOREIGN KEY (city_id, region) REFERENCES cities ON DELETE SET NULL) PARTITION BY HASH (id);"
                        + " CREATE TABLE visit_0 PARTITION OF visit FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
                        + " CREATE TABLE visit_1 PARTITION OF visit FOR VALUES WITH (MODULUS 2, REMAINDER 1);"
                        + " INSERT INTO visit SELECT id, id, region FROM cities WHERE id <= 100;", "visit",
                        "ALTER COLUMN id TYPE bigint"),
                // Mastodon's migrations, on its statuses table
                new ConformanceCase("ma_status_id_bigint", MASTODON + "/20170322143850", STATUSES, "statuses",
                        "ALTER COLUMN id TYPE bigint, ALTER COLUMN reblog_of_id TYPE bigint,"
                                + " ALTER COLUMN in_reply_to_id TYPE bigint"),
                new ConformanceCase("ma_reblog_fk", MASTODON + "/20170217012631", STATUSES
                        + " UPDATE statuses SET reblog_of_id = NULL WHERE reblog_of_id NOT IN (SELECT id FROM statuses);",
                        "statuses", "ADD CONSTRAINT fk_rails_256483a9ab FOREIGN KEY (reblog_of_id)"
                        + " REFERENCES @.statuses (id) ON DELETE CASCADE"),
                new ConformanceCase("ma_add_sensitive", MASTODON + "/20161123093447", STATUSES, "statuses",
                        "ADD COLUMN sensitive boolean DEFAULT false"),
                new ConformanceCase("ma_add_visibility", MASTODON + "/20161130185319", STATUSES, "statuses",
                        "ADD COLUMN visibility integer DEFAULT 0 NOT NULL"),
                new ConformanceCase("ma_uri_nullable", MASTODON + "/20160223164502", STATUSES, "statuses",
                        "ALTER COLUMN uri DROP NOT NULL"),
                new ConformanceCase("ma_spoiler_text", MASTODON + "/20170125145934", STATUSES, "statuses",
                        "ADD COLUMN spoiler_text text DEFAULT '' NOT NULL"),
                new ConformanceCase("ma_in_reply_to_fk", MASTODON + "/20170217012631", STATUSES, "statuses",
                        "ADD FOREIGN KEY (in_reply_to_id) REFERENCES @.statuses (id) ON DELETE SET NULL"));
    }
}
