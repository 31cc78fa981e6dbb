package dev.mailwarden.examples.milter;

import java.util.List;
import java.util.Map;

/**
 * One command from the MTA, decoded by {@link MilterDecoder}. Header names and values are kept as
 * ISO-8859-1 text (one char per byte) so that the exact bytes can be given to DKIM; envelope
 * strings are UTF-8.
 */
public sealed interface MilterRequest {

  /** {@code SMFIC_OPTNEG}: the MTA's version, the actions it allows and the steps it can skip. */
  record OptionNegotiation(int version, int actions, int protocol) implements MilterRequest {}

  /** {@code SMFIC_MACRO}: macro values for the command {@code stage} that follows. */
  record Macros(char stage, Map<String, String> values) implements MilterRequest {
    public Macros {
      values = Map.copyOf(values);
    }
  }

  /**
   * {@code SMFIC_CONNECT}: the client's name, family ({@code '4'}, {@code '6'}, {@code 'L'} for a
   * UNIX socket, {@code 'U'} unknown), port and address text.
   */
  record Connect(String hostname, char family, int port, String address) implements MilterRequest {}

  /** {@code SMFIC_HELO}. */
  record Helo(String name) implements MilterRequest {}

  /** {@code SMFIC_MAIL}: the reverse-path (with angle brackets) then the ESMTP parameters. */
  record Mail(List<String> args) implements MilterRequest {
    public Mail {
      args = List.copyOf(args);
    }
  }

  /** {@code SMFIC_RCPT}: the forward-path (with angle brackets) then the ESMTP parameters. */
  record Rcpt(List<String> args) implements MilterRequest {
    public Rcpt {
      args = List.copyOf(args);
    }
  }

  /** {@code SMFIC_DATA}. */
  record Data() implements MilterRequest {}

  /** {@code SMFIC_HEADER}: folded lines are separated by LF in the value. */
  record Header(String name, String value) implements MilterRequest {}

  /** {@code SMFIC_EOH}. */
  record EndOfHeaders() implements MilterRequest {}

  /** {@code SMFIC_BODY}: a chunk of the body, CRLF line ends. */
  record BodyChunk(byte[] bytes) implements MilterRequest {}

  /** {@code SMFIC_BODYEOB}: the end of the message, possibly with a last chunk. */
  record EndOfMessage(byte[] lastChunk) implements MilterRequest {}

  /** {@code SMFIC_ABORT}: the current message is abandoned (RSET, or a rejection elsewhere). */
  record Abort() implements MilterRequest {}

  /** {@code SMFIC_QUIT}: the connection ends. */
  record Quit() implements MilterRequest {}

  /** {@code SMFIC_QUIT_NC}: this SMTP session ends, a new one follows on the same connection. */
  record QuitNewConnection() implements MilterRequest {}

  /** {@code SMFIC_UNKNOWN}: an SMTP command the MTA did not recognise. */
  record Unknown(String command) implements MilterRequest {}
}
