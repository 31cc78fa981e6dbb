package dev.mailwarden.auth.helo.internal;

import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.DomainNames;
import dev.mailwarden.internal.ReverseNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The facts of forward-confirmed reverse DNS (RFC 8601 section 3) for one client address: its PTR
 * names, and for each of the first {@code maxNames} the forward addresses of the client's family.
 *
 * @param status PASS, FAIL, TEMPERROR or PERMERROR in the sense of RFC 8601 section 3
 * @param ptrStatus how the PTR query ended
 * @param ptrNames every PTR target, lower case, in answer order, duplicates removed
 * @param forward forward addresses of each checked name that answered (void answers map to empty)
 * @param erroredNames checked names whose forward lookup failed temporarily
 * @param confirmedNames checked names whose forward addresses include the client
 */
public record ReverseDns(
    Status status,
    InetAddress client,
    DnsStatus ptrStatus,
    List<String> ptrNames,
    Map<String, List<InetAddress>> forward,
    List<String> erroredNames,
    List<String> confirmedNames) {

  /** RFC 8601 section 3 results. */
  public enum Status {
    PASS,
    FAIL,
    TEMPERROR,
    PERMERROR
  }

  public ReverseDns {
    ptrNames = List.copyOf(ptrNames);
    forward = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(forward));
    erroredNames = List.copyOf(erroredNames);
    confirmedNames = List.copyOf(confirmedNames);
  }

  /**
   * Looks up the PTR names of {@code client} and confirms at most {@code maxNames} of them with A
   * (IPv4) or AAAA (IPv6) lookups, all in parallel. Never completes exceptionally.
   */
  public static CompletableFuture<ReverseDns> resolve(
      DnsResolver dns, InetAddress client, int maxNames) {
    return Lookups.lookup(dns, ReverseNames.of(client), RecordType.PTR)
        .thenCompose(ptr -> confirm(dns, client, ptr, maxNames));
  }

  private static CompletableFuture<ReverseDns> confirm(
      DnsResolver dns, InetAddress client, DnsAnswer ptr, int maxNames) {
    if (ptr.isError()) {
      return CompletableFuture.completedFuture(
          new ReverseDns(
              Status.TEMPERROR, client, ptr.status(), List.of(), Map.of(), List.of(), List.of()));
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String n : ptr.names()) {
      String c = DomainNames.canonical(n);
      if (!c.isEmpty() && !c.equals(".")) {
        unique.add(c);
      }
    }
    List<String> names = List.copyOf(unique);
    if (names.isEmpty()) {
      return CompletableFuture.completedFuture(
          new ReverseDns(
              Status.PERMERROR, client, ptr.status(), names, Map.of(), List.of(), List.of()));
    }
    RecordType type = client instanceof Inet4Address ? RecordType.A : RecordType.AAAA;
    List<String> checked = names.subList(0, Math.min(maxNames, names.size()));
    List<CompletableFuture<DnsAnswer>> lookups = new ArrayList<>(checked.size());
    for (String name : checked) {
      lookups.add(Lookups.lookup(dns, name, type));
    }
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, List<InetAddress>> forward = new LinkedHashMap<>();
              List<String> errored = new ArrayList<>();
              List<String> confirmed = new ArrayList<>();
              for (int i = 0; i < checked.size(); i++) {
                String name = checked.get(i);
                // allOf has finished, so getNow never falls back
                DnsAnswer a =
                    lookups
                        .get(i)
                        .getNow(DnsAnswer.error(name, type, DnsStatus.TIMEOUT, "not done"));
                if (a.isError()) {
                  errored.add(name);
                  continue;
                }
                List<InetAddress> addresses = a.addresses();
                forward.put(name, addresses);
                if (addresses.contains(client)) {
                  confirmed.add(name);
                }
              }
              Status s =
                  !confirmed.isEmpty()
                      ? Status.PASS
                      : !errored.isEmpty() ? Status.TEMPERROR : Status.FAIL;
              return new ReverseDns(s, client, ptr.status(), names, forward, errored, confirmed);
            });
  }
}
