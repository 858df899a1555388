/**
 * Events applied out of order: per-entity sequence numbers as a consumer sees them, with the last number of
 * each entity kept in a bounded LRU ({@link dev.telltale.jvm.events.EventOrderTracker}).
 */
package dev.telltale.jvm.events;
