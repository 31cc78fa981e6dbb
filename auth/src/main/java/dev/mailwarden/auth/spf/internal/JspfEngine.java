package dev.mailwarden.auth.spf.internal;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.SPF;
import org.jspecify.annotations.Nullable;

/**
 * Apache James jSPF 1.0.5 behind {@link JspfDnsService}: run off the caller's thread on the given
 * executor (or the context's), under the evaluation's deadline. After jSPF answers, the limits it
 * does not enforce become permerror and DNS errors it swallowed become temperror.
 */
public final class JspfEngine implements Engine {
  private final @Nullable Executor executor;
  private final JspfDnsService dns = new JspfDnsService();
  private final SPF spf;

  public JspfEngine(@Nullable Executor executor) {
    this.executor = executor;
    this.spf = new SPF(dns, new SynchronousSPFExecutor(dns));
  }

  @Override
  public String name() {
    return "jspf";
  }

  @Override
  public CompletableFuture<EngineResult> evaluate(SpfRequest request, CheckContext context) {
    Executor on = executor != null ? executor : context.executor();
    try {
      return CompletableFuture.supplyAsync(() -> run(request, context), on);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          EngineResult.problem(Outcome.TEMPERROR, "jSPF executor rejected the check", 0, 0));
    }
  }

  /** Runs jSPF synchronously on the current thread. */
  public EngineResult run(SpfRequest request, CheckContext context) {
    JspfDnsService.State state = new JspfDnsService.State(context, request.voidLookupLimit());
    dns.begin(state);
    org.apache.james.jspf.executor.SPFResult r;
    try {
      synchronized (this) {
        spf.setDefaultExplanation(request.defaultExplanation());
      }
      r =
          spf.checkSPF(
              request.clientIp().getHostAddress(),
              request.sender(),
              request.heloName().orElse(request.domain()));
    } catch (RuntimeException e) {
      return EngineResult.problem(
          Outcome.TEMPERROR, "jSPF failed: " + e, state.queries, state.voids);
    } catch (StackOverflowError e) {
      // a backstop: JspfDnsService caps term length, which is what jSPF's parser recurses on
      return EngineResult.problem(
          Outcome.PERMERROR, "jSPF's parser ran out of stack", state.queries, state.voids);
    } finally {
      dns.end();
    }
    Outcome outcome = toOutcome(r.getResult());
    String problem = null;
    if (state.deadlinePassed) {
      outcome = Outcome.TEMPERROR;
      problem = "SPF time bound reached";
    } else if (state.dnsError != null
        && outcome != Outcome.TEMPERROR
        && outcome != Outcome.PERMERROR) {
      outcome = Outcome.TEMPERROR;
      problem = state.dnsError;
    } else if (state.overLimit != null && outcome != Outcome.TEMPERROR) {
      outcome = Outcome.PERMERROR;
      problem = state.overLimit;
      if (state.overLimitCap != null) {
        context.report(new CapExceeded(state.overLimitCap, problem));
      }
    } else if (outcome == Outcome.TEMPERROR || outcome == Outcome.PERMERROR) {
      problem = r.getExplanation();
      if (problem == null || problem.isEmpty()) {
        // jSPF 1.0.5 keeps the reason (its 10-lookup limit, a syntax error...) to itself, so the
        // lookup limit cannot be reported as a CapExceeded on this engine
        problem = "jSPF gave " + outcome.name().toLowerCase(java.util.Locale.ROOT) + " (no reason)";
      }
    }
    String explanation = outcome == Outcome.FAIL ? r.getExplanation() : null;
    if (explanation != null && request.clientIp() instanceof java.net.Inet6Address) {
      // jSPF expands %{c} of an IPv6 client uncompressed; RFC 7208 section 7.3 wants RFC 5952 text
      explanation =
          explanation.replace(request.clientIp().getHostAddress(), Ip.readable(request.clientIp()));
    }
    return new EngineResult(outcome, null, explanation, problem, state.queries, state.voids);
  }

  static Outcome toOutcome(@Nullable String jspf) {
    if (jspf == null) {
      return Outcome.TEMPERROR;
    }
    return switch (jspf) {
      case "pass" -> Outcome.PASS;
      case "fail" -> Outcome.FAIL;
      case "softfail" -> Outcome.SOFTFAIL;
      case "neutral" -> Outcome.NEUTRAL;
      case "none" -> Outcome.NONE;
      case "permerror", "unknown" -> Outcome.PERMERROR;
      default -> Outcome.TEMPERROR; // "temperror", "error"
    };
  }

  @Override
  public String toString() {
    return "SpfEngine[jspf]";
  }
}
