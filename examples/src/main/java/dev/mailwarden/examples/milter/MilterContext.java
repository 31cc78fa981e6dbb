package dev.mailwarden.examples.milter;

import java.util.Optional;

/** What a {@link MilterSession.Handler} may ask about the connection. */
public interface MilterContext {
  /** The negotiated {@code SMFIF_*} actions. */
  int actions();

  /** The negotiated {@code SMFIP_*} flags. */
  int protocol();

  /**
   * A macro's value, by name with or without braces ({@code auth_authen}, {@code {auth_authen}},
   * {@code i}).
   */
  Optional<String> macro(String name);

  /**
   * True when header values keep their leading space, sent and added ({@code SMFIP_HDR_LEADSPC}).
   */
  default boolean leadingSpace() {
    return (protocol() & MilterProtocol.SMFIP_HDR_LEADSPC) != 0;
  }
}
