package dev.mailwarden.auth.helo.internal;

import java.net.InetAddress;

/** What a HELO/EHLO argument turned out to be. Made by {@link HeloParser}. */
public sealed interface ParsedHelo {

  /** The client never sent HELO/EHLO. */
  record Missing() implements ParsedHelo {}

  /** The argument breaks RFC 5321 section 4.1.2 (or is not a usable name at all). */
  record Invalid(String problem) implements ParsedHelo {}

  /** An IP address without the brackets of an address literal, e.g. {@code 192.0.2.1}. */
  record BareIp(InetAddress address) implements ParsedHelo {}

  /** An address literal, {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
  record Literal(InetAddress address) implements ParsedHelo {}

  /**
   * A syntactically valid domain name.
   *
   * @param ascii the name in lower case with IDN labels as A-labels ({@code xn--...}), for DNS
   * @param labels how many labels the name has
   */
  record Hostname(String ascii, int labels) implements ParsedHelo {}
}
