/**
 * Duplicate requests and events, observe-only: an {@link dev.telltale.jvm.requests.IdempotencyTracker}
 * remembers recent idempotency keys in bounded memory and tells a concurrent duplicate (CRITICAL: a double
 * charge in the making) from a replay; the detector of {@link dev.telltale.jvm.requests.RequestDetectors#duplicates} reports.
 * It sees this process only: duplicates that land on two instances need a shared store.
 */
package dev.telltale.jvm.requests;
