package dev.mailwarden.auth.dmarc;

/** Identifier alignment mode ({@code adkim=}, {@code aspf=}). */
public enum Alignment {
  /** {@code r}: same organisational domain. */
  RELAXED,
  /** {@code s}: exactly the same domain; never falls back to relaxed. */
  STRICT;

  /** The record letter, {@code r} or {@code s}. */
  public String letter() {
    return this == RELAXED ? "r" : "s";
  }
}
