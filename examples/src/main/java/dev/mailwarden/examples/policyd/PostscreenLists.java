package dev.mailwarden.examples.policyd;

import dev.mailwarden.MailWarden;
import dev.mailwarden.dnsbl.DnsList;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.dnsbl.DnsblWeights;
import dev.mailwarden.dnsbl.Dnswl;

/**
 * The DNS lists of the CLI options ({@code --dnsbl}, {@code --dnswl}, {@code --spamhaus-dqs-key})
 * and the policyd keys ({@code dnsbl}, {@code dnswl}) in postscreen syntax {@code
 * zone[=filter][*weight]}, as one checker: the library's lists carry codes only, so the {@code
 * *weight} of each spec becomes that list's entry in the registration's {@link DnsblWeights}.
 * Without {@code *weight} a listing scores 1 (blocklist) or -1 (allowlist), as in postscreen. A
 * negative weight on a blocklist is refused (postscreen reads it as an allowlist; here that is said
 * with {@code --dnswl}), and so is a positive one on an allowlist. Shared by the CLI, policyd and
 * the milter.
 */
public final class PostscreenLists {
  private final Dnsbl.Builder lists = Dnsbl.builder();
  private final DnsblWeights.Builder weights = DnsblWeights.builder();
  private boolean empty = true;

  /** A blocklist spec; throws IllegalArgumentException for a bad spec. */
  public PostscreenLists blocklist(String spec) {
    return add(spec, false);
  }

  /** An allowlist spec; throws IllegalArgumentException for a bad spec. */
  public PostscreenLists allowlist(String spec) {
    return add(spec, true);
  }

  /** A preset list with the weight of a listing. */
  public PostscreenLists preset(DnsList list, double weight) {
    lists.list(list);
    weights.list(list.name(), weight);
    empty = false;
    return this;
  }

  private PostscreenLists add(String spec, boolean allowlist) {
    int star = spec.lastIndexOf('*');
    String codes = star < 0 ? spec : spec.substring(0, star);
    DnsList list = allowlist ? Dnswl.parse(codes) : Dnsbl.parse(codes);
    lists.list(list);
    if (star >= 0) {
      String w = spec.substring(star + 1);
      if (!w.matches("[+-]?\\d{1,6}(\\.\\d{1,6})?")) {
        throw new IllegalArgumentException(
            "bad list spec at position "
                + (star + 1)
                + ": weight must be a number like 3, -2 or 1.5 (in '"
                + spec
                + "')");
      }
      double weight = Double.parseDouble(w);
      if (!allowlist && weight < 0) {
        throw new IllegalArgumentException(
            "a negative weight makes '"
                + spec
                + "' an allowlist in postscreen; give it as a dnswl list instead");
      }
      if (allowlist && weight > 0) {
        throw new IllegalArgumentException(
            "an allowlist weight must not be positive (in '" + spec + "')");
      }
      weights.list(list.name(), weight);
    }
    empty = false;
    return this;
  }

  /** Registers the lists as one checker, if there is any. */
  public void registerOn(MailWarden.Builder builder) {
    if (!empty) {
      builder.check(lists.build(), weights.build());
    }
  }
}
