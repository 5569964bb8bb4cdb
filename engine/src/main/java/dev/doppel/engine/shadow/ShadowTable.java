package dev.doppel.engine.shadow;

import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.ColumnMapping;

import java.util.List;

/** The built shadow: its shape as PostgreSQL reports it, how it is filled, and what it gets after the copy. */
public record ShadowTable(TableInfo target, ColumnMapping mapping, List<DeferredObject> deferred,
                          List<ForeignKey> foreignKeys) {
}
