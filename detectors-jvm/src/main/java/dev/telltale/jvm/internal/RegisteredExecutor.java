package dev.telltale.jvm.internal;

import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

/** A registered executor and its rejection count (Micrometer has no rejection meter). */
public record RegisteredExecutor(String name, ThreadPoolExecutor executor, LongAdder rejections) {
}
