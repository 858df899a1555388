/**
 * Client-side hot keys: a bounded space-saving top-K of the keys the application touches, fed by the
 * application ({@link dev.telltale.jvm.keys.HotKeys#record}) or by Lettuce
 * ({@code redisClient.addListener(new LettuceHotKeys(hotKeys))}), read once per window by
 * the detector of {@link dev.telltale.jvm.keys.KeysDetectors#hotKeys}. Works on Redis servers without an LFU policy and costs the
 * server nothing. Lettuce is an optional dependency.
 */
package dev.telltale.jvm.keys;
