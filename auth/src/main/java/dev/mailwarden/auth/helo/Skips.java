package dev.mailwarden.auth.helo;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.MailSession;
import dev.mailwarden.internal.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sessions both checkers leave alone: authenticated users and trusted networks. */
final class Skips {
  private final boolean skipAuthenticated;
  private final List<Cidr> trusted;

  Skips(boolean skipAuthenticated, List<Cidr> trusted) {
    this.skipAuthenticated = skipAuthenticated;
    this.trusted = List.copyOf(trusted);
  }

  /** Why this session is skipped, or empty to check it. */
  Optional<String> reason(MailSession session) {
    if (skipAuthenticated && session.authenticatedUser().isPresent()) {
      return Optional.of("skipped: authenticated user " + session.authenticatedUser().get());
    }
    Optional<InetAddress> ip = session.clientIp();
    if (ip.isPresent()) {
      for (Cidr c : trusted) {
        if (c.contains(ip.get())) {
          return Optional.of(
              "skipped: client " + ip.get().getHostAddress() + " is in trusted network " + c);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return (skipAuthenticated ? "skipAuthenticated" : "checkAuthenticated")
        + (trusted.isEmpty() ? "" : ", trusted=" + trusted);
  }

  static final class Builder {
    private boolean skipAuthenticated = true;
    private boolean skipAuthenticatedSet;
    private final List<Cidr> trusted = new ArrayList<>();

    void skipAuthenticated(boolean skip) {
      if (skipAuthenticatedSet) {
        throw new IllegalStateException("skipAuthenticated was already set");
      }
      skipAuthenticatedSet = true;
      skipAuthenticated = skip;
    }

    void trustedNetwork(String cidr) {
      trusted.add(Cidr.parse(requireNonNull(cidr, "cidr")));
    }

    Skips build() {
      return new Skips(skipAuthenticated, trusted);
    }
  }
}
