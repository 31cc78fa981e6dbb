package dev.mailwarden.auth.doctor;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.auth.doctor.internal.Examination;
import dev.mailwarden.dnsbl.DnsList;
import dev.mailwarden.dnsbl.Dnsbl;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Checks your own mail server the way receivers will: reverse DNS and HELO of each sending address
 * ({@code Iprev}, {@code Helo}), blocklists ({@code ListingMonitor}), SPF (the record tree
 * statically, and the real check per address), DKIM keys, DMARC and MX. Each problem is a {@link
 * DoctorFinding} with a stable code ({@link Codes}), an explanation and a fix.
 *
 * <pre>{@code
 * Doctor doctor = Doctor.builder(runtime).build();   // immutable; share it
 * doctor.examine(DoctorRequest.builder("example.com")
 *         .ip(InetAddress.getByName("192.0.2.25")).helo("mail.example.com").selector("s1").build())
 *     .thenAccept(report -> report.lines().forEach(System.out::println));
 * }</pre>
 *
 * <p>DNS goes only through the runtime's (cached) resolver; every lookup is made under the
 * deadline, and lookups still unanswered at the deadline are reported as {@link Codes#DNS_ERROR}
 * findings — never as an all clear.
 */
public final class Doctor {
  private final MailwardenRuntime runtime;
  private final Duration deadline;
  private final List<DnsList> lists;

  private Doctor(Builder b) {
    this.runtime = b.runtime;
    this.deadline = b.deadline;
    this.lists =
        b.lists.isEmpty() && !b.noLists ? List.of(Dnsbl.spamhausZen()) : List.copyOf(b.lists);
  }

  /**
   * A builder of doctors that look up through {@code runtime} (its cached DNS, executor and time).
   */
  public static Builder builder(MailwardenRuntime runtime) {
    return new Builder(requireNonNull(runtime, "runtime"));
  }

  /** Examines the request; the future never fails for DNS trouble and completes by the deadline. */
  public CompletableFuture<DoctorReport> examine(DoctorRequest request) {
    requireNonNull(request, "request");
    long start = runtime.ticker().read();
    Examination ex = new Examination(request, runtime, deadline, lists);
    return ex.run()
        .thenApply(
            findings ->
                new DoctorReport(
                    request.domain(),
                    findings,
                    ex.dnsQueries(),
                    Duration.ofNanos(runtime.ticker().read() - start)));
  }

  /** Examines {@code domain} sending from {@code ip}, without HELO or DKIM selectors. */
  public CompletableFuture<DoctorReport> examine(String domain, InetAddress ip) {
    return examine(DoctorRequest.builder(domain).ip(ip).build());
  }

  /**
   * Blocking convenience for scripts and the CLI: {@link #examine(DoctorRequest)} and wait (at most
   * the deadline).
   */
  public DoctorReport examineAndWait(DoctorRequest request) {
    try {
      return examine(request).join();
    } catch (CompletionException e) {
      throw new IllegalStateException("examination failed unexpectedly", e.getCause());
    }
  }

  /** The blocklists the addresses are checked against. */
  public List<DnsList> lists() {
    return lists;
  }

  @Override
  public String toString() {
    return "Doctor[lists=" + lists + ", deadline=" + deadline.toMillis() + "ms]";
  }

  /** Configures a {@link Doctor}. Each setting may be set once. */
  public static final class Builder {
    private final MailwardenRuntime runtime;
    private Duration deadline = Duration.ofSeconds(10);
    private final List<DnsList> lists = new ArrayList<>();
    private boolean noLists;
    private final Set<String> set = new HashSet<>();

    private Builder(MailwardenRuntime runtime) {
      this.runtime = runtime;
    }

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /** Time allowed for one examination (default 10 s); what is unanswered then is a dns-error. */
    public Builder deadline(Duration deadline) {
      once("deadline");
      requireNonNull(deadline, "deadline");
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("deadline must be positive: " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /** An IP blocklist to check the addresses against (repeatable; default Spamhaus ZEN). */
    public Builder dnsbl(DnsList list) {
      requireNonNull(list, "list");
      if (list.isDomainList()) {
        throw new IllegalArgumentException(
            "the doctor checks IP lists; " + list + " is a domain list");
      }
      if (noLists) {
        throw new IllegalStateException("noDnsbl() was called");
      }
      lists.add(list);
      return this;
    }

    /** Checks no blocklist (e.g. when your resolver cannot reach them). */
    public Builder noDnsbl() {
      once("noDnsbl");
      if (!lists.isEmpty()) {
        throw new IllegalStateException("dnsbl(...) was called");
      }
      noLists = true;
      return this;
    }

    public Doctor build() {
      return new Doctor(this);
    }
  }
}
