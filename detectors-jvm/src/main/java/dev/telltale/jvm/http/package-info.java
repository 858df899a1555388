/**
 * Upstream throttling (a CDN or API gateway answering 429 or 503), per remote host, from Micrometer's
 * {@code http.client.requests} timers or a {@link dev.telltale.jvm.http.ThrottlingRecorder}.
 */
package dev.telltale.jvm.http;
