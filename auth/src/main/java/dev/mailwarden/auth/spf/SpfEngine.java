package dev.mailwarden.auth.spf;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.auth.spf.internal.JspfEngine;
import dev.mailwarden.auth.spf.internal.NativeEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Evaluates {@code check_host()} for one request. The future never completes exceptionally for DNS
 * or policy trouble: those are {@code temperror} and {@code permerror} results.
 *
 * <p>Two engines ship: {@link #nativeEngine()}, asynchronous end to end over {@link
 * CheckContext#dns()} and complete against the RFC 7208 and RFC 4408 conformance suites (the
 * default), and {@link #jspf()}, Apache James jSPF behind a DNS service of ours, run off the
 * caller's thread under our deadline.
 */
public interface SpfEngine {

  /** A short name for logs and reports, e.g. {@code native} or {@code jspf}. */
  String name();

  /** Evaluates the request using the context's DNS, time and deadline. */
  CompletableFuture<SpfResult> evaluate(SpfRequest request, CheckContext context);

  /** Our own engine: RFC 7208 complete, never blocks a thread while DNS is outstanding. */
  static SpfEngine nativeEngine() {
    return NativeEngine.INSTANCE;
  }

  /**
   * Apache James jSPF 1.0.5 over our resolver, run on {@link CheckContext#executor()}. jSPF's API
   * is synchronous, so each evaluation occupies one thread of that executor while it waits for DNS;
   * use {@link #jspf(Executor)} to give it a pool of its own.
   */
  static SpfEngine jspf() {
    return new JspfEngine(null);
  }

  /** Apache James jSPF run on the given executor (never pass the common pool). */
  static SpfEngine jspf(Executor executor) {
    return new JspfEngine(requireNonNull(executor, "executor"));
  }
}
