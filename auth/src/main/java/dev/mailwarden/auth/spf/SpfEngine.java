package dev.mailwarden.auth.spf;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.CheckContext;
import dev.mailwarden.auth.spf.internal.Engine;
import dev.mailwarden.auth.spf.internal.EngineResult;
import dev.mailwarden.auth.spf.internal.JspfEngine;
import dev.mailwarden.auth.spf.internal.NativeEngine;
import dev.mailwarden.auth.spf.internal.SpfRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Which implementation of {@code check_host()} an SPF checker runs ({@link Spf.Builder#engine}).
 *
 * <p>Two engines ship: {@link #nativeEngine()}, asynchronous end to end over {@link
 * CheckContext#dns()} and complete against the RFC 7208 and RFC 4408 conformance suites (the
 * default), and {@link #jspf()}, Apache James jSPF behind a DNS service of ours, run off the
 * caller's thread under our deadline. Immutable.
 */
public final class SpfEngine {
  private static final SpfEngine NATIVE = new SpfEngine(NativeEngine.INSTANCE);

  private final Engine engine;

  private SpfEngine(Engine engine) {
    this.engine = engine;
  }

  /** A short name for logs and reports, e.g. {@code native} or {@code jspf}. */
  public String name() {
    return engine.name();
  }

  /**
   * Evaluates the request using the context's DNS, time and deadline. The future never completes
   * exceptionally for DNS or policy trouble: those are {@code temperror} and {@code permerror}
   * results.
   */
  CompletableFuture<SpfResult> evaluate(SpfRequest request, CheckContext context) {
    return engine
        .evaluate(request, context)
        .thenApply((EngineResult r) -> SpfResult.of(request, r, engine.name()));
  }

  /** Our own engine: RFC 7208 complete, never blocks a thread while DNS is outstanding. */
  public static SpfEngine nativeEngine() {
    return NATIVE;
  }

  /**
   * Apache James jSPF 1.0.5 over our resolver, run on {@link CheckContext#executor()}. jSPF's API
   * is synchronous, so each evaluation occupies one thread of that executor while it waits for DNS;
   * use {@link #jspf(Executor)} to give it a pool of its own.
   *
   * <p>jSPF's term parser recurses once per character, so records with a term over 512 octets are
   * not handed to it: they give permerror naming that cap. The cap is fixed (raising it would bring
   * the stack overflow back); {@link Spf.Builder#maxMacroExpansion} is the native engine's bound.
   */
  public static SpfEngine jspf() {
    return new SpfEngine(new JspfEngine(null));
  }

  /** Apache James jSPF run on the given executor (never pass the common pool). */
  public static SpfEngine jspf(Executor executor) {
    return new SpfEngine(new JspfEngine(requireNonNull(executor, "executor")));
  }

  @Override
  public String toString() {
    return engine.toString();
  }
}
