package dev.doppel.engine.shadow;

import dev.doppel.engine.plan.ColumnMapping;

import java.util.List;

/** The built shadow: how it is filled, and what it gets after the copy (persisted, so a resume can go on). */
public record ShadowTable(ColumnMapping mapping, List<DeferredObject> deferred,
                          List<ForeignKey> foreignKeys) {
}
