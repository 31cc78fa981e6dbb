package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.CheckContext;
import java.util.concurrent.CompletableFuture;

/**
 * An implementation of {@code check_host()} behind {@code SpfEngine}. The future never completes
 * exceptionally for DNS or policy trouble: those are temperror and permerror results.
 */
public interface Engine {

  /** A short name for logs and reports, e.g. {@code native} or {@code jspf}. */
  String name();

  /** Evaluates the request using the context's DNS, time and deadline. */
  CompletableFuture<EngineResult> evaluate(SpfRequest request, CheckContext context);
}
