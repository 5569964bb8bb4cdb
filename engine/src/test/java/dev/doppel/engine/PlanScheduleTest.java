package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan says, for each step, the lock it takes, whether it scans or rewrites, and how long it should take. */
@PostgresTest
class PlanScheduleTest {

    @Test
    void aRewriteListsEveryStepWithItsLockAndAnEstimateFromASampleCopy(TestDatabase db) {
        db.execute("CREATE TABLE sched (id int PRIMARY KEY, total numeric(12,2), note text)",
                "INSERT INTO sched SELECT g, g / 100.0, 'n' || g FROM generate_series(1, 60000) g", "ANALYZE sched");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("sched")
                .alter("ALTER COLUMN total TYPE bigint USING (total * 100)::bigint").build().plan();
        List<String> locks = plan.schedule().stream().map(Plan.Step::lock).toList();
        assertTrue(locks.get(1).startsWith("SHARE ROW EXCLUSIVE, in 100 ms attempts"), locks.toString());
        assertTrue(locks.get(locks.size() - 1).startsWith("ACCESS EXCLUSIVE"), locks.toString());
        Plan.Step copy = plan.schedule().get(2);
        assertEquals("reads every row once", copy.effect());
        assertNotNull(copy.estimateMillis(), "the copy of a filled table is estimated from a sample");
        assertTrue(plan.toText().contains("3. copy about 60,000 rows"), plan.toText());
        assertEquals("rewrite through the shadow table, with the rest of the change", plan.routes().get(0).how());
        assertEquals(60_000, db.count("SELECT count(*) FROM sched"));
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname LIKE 'shadow_%'"));
    }

    @Test
    void aKeyIndexThatCannotServeTheCopysOrderIsAvoidedOrNamed(TestDatabase db) {
        db.execute("CREATE TABLE ordered_desc (code text NOT NULL, n int NOT NULL, note text)",
                "INSERT INTO ordered_desc SELECT 'c' || g, g, 'x' FROM generate_series(1, 1000) g",
                "CREATE UNIQUE INDEX ordered_desc_n ON ordered_desc (n DESC)",
                "CREATE UNIQUE INDEX ordered_desc_code ON ordered_desc (code COLLATE \"C\")");
        Plan only = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("ordered_desc")
                .alter("ALTER COLUMN note TYPE varchar(5)").build().plan();
        assertTrue(only.warnings().stream().anyMatch(w -> w.contains("the copy reads public.ordered_desc in the order"
                + " of its key [n], which index ordered_desc_n cannot serve")), only.warnings().toString());
        db.execute("CREATE UNIQUE INDEX ordered_desc_code_plain ON ordered_desc (code)");
        Plan plain = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("ordered_desc")
                .alter("ALTER COLUMN note TYPE varchar(5)").build().plan();
        assertEquals(List.of("code"), plain.shadow().mapping().sourceKey(), plain.toText());
        assertTrue(plain.warnings().stream().noneMatch(w -> w.contains("cannot serve")), plain.warnings().toString());
    }

    @Test
    void aSampleThatFailsTheTransformationIsAWarningNamingTheError(TestDatabase db) {
        db.execute("CREATE TABLE sched_bad (id int PRIMARY KEY, code text)",
                "INSERT INTO sched_bad SELECT g, CASE WHEN g = 7 THEN 'x' ELSE g::text END FROM generate_series(1, 100) g");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("sched_bad")
                .alter("ALTER COLUMN code TYPE int USING code::int").build().plan();
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("failed, as the copy would")
                && w.contains("invalid input syntax")), plan.warnings().toString());
        assertEquals(null, plan.schedule().get(2).estimateMillis());
    }

    @Test
    void inPlaceStepsSayWhichScanWhileWritersGoOn(TestDatabase db) {
        db.execute("CREATE TABLE sched_ip (id int PRIMARY KEY, amount int, email text)",
                "INSERT INTO sched_ip SELECT g, g, 'e' || g FROM generate_series(1, 30000) g", "ANALYZE sched_ip");
        Plan plan = OnlineSchemaChange.builder().dataSource(db.dataSource()).table("sched_ip")
                .alter("ADD CONSTRAINT positive CHECK (amount > 0), ADD UNIQUE (email)").build().plan();
        assertEquals(Plan.Strategy.IN_PLACE, plan.strategy(), plan.why());
        List<String> effects = plan.schedule().stream().map(s -> s.lock() + " / " + s.effect()).toList();
        assertEquals(List.of("ACCESS EXCLUSIVE, in 100 ms attempts, writers wait at most one / catalog only",
                "SHARE UPDATE EXCLUSIVE; writers go on / scans the table",
                "SHARE UPDATE EXCLUSIVE; writers go on / scans the table twice and sorts",
                "ACCESS EXCLUSIVE, in 100 ms attempts, writers wait at most one / catalog only, proven by the steps"
                        + " above"), effects);
        assertNotNull(plan.schedule().get(1).estimateMillis());
        assertTrue(plan.routes().get(1).how().startsWith("index built CONCURRENTLY"), plan.routes().toString());
    }
}
