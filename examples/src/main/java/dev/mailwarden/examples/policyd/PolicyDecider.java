package dev.mailwarden.examples.policyd;

/** Turns one request into an action (without the {@code action=} prefix), e.g. {@code DUNNO}. */
@FunctionalInterface
public interface PolicyDecider {
  String decide(PolicyRequest request);
}
