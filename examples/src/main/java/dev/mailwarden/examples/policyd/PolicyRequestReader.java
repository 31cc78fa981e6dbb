package dev.mailwarden.examples.policyd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads policy requests from a connection: lines of {@code name=value} (LF or CRLF), a request
 * ended by an empty line. Bounded: a request over {@link #MAX_REQUEST_BYTES} or with more than
 * {@link #MAX_ATTRIBUTES} attributes is malformed; the reader then skips to the end of that request
 * so the connection can go on.
 */
public final class PolicyRequestReader {
  public static final int MAX_REQUEST_BYTES = 16 * 1024;
  public static final int MAX_ATTRIBUTES = 100;

  /** The result of reading one request. */
  public sealed interface Read {}

  /** A well-formed request. */
  public record Ok(PolicyRequest request) implements Read {}

  /** A malformed request, already skipped. */
  public record Malformed(String reason) implements Read {}

  private final InputStream in;
  private final byte[] line = new byte[MAX_REQUEST_BYTES + 1];

  public PolicyRequestReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next request, or empty at end of stream (also mid-request: a partial request is dropped).
   */
  public Optional<Read> next() throws IOException {
    Map<String, String> attrs = new LinkedHashMap<>();
    int total = 0;
    String problem = null;
    while (true) {
      int len = readLine();
      if (len < 0) {
        return Optional.empty();
      }
      if (len == 0) {
        if (attrs.isEmpty() && problem == null) {
          continue; // stray empty line between requests
        }
        break;
      }
      total += len + 1;
      if (problem != null) {
        continue; // skipping the rest of a bad request
      }
      if (len > MAX_REQUEST_BYTES || total > MAX_REQUEST_BYTES) {
        problem = "request larger than " + MAX_REQUEST_BYTES + " bytes";
        continue;
      }
      String text = new String(line, 0, len, StandardCharsets.UTF_8);
      int eq = text.indexOf('=');
      if (eq <= 0) {
        problem = "line without name=value";
        continue;
      }
      if (attrs.size() >= MAX_ATTRIBUTES) {
        problem = "more than " + MAX_ATTRIBUTES + " attributes";
        continue;
      }
      attrs.put(text.substring(0, eq).trim(), text.substring(eq + 1));
    }
    return Optional.of(problem == null ? new Ok(new PolicyRequest(attrs)) : new Malformed(problem));
  }

  /**
   * Reads one line into {@link #line} without its CR/LF; returns its full length (which may exceed
   * the buffer: the excess is discarded) or -1 at end of stream before any byte.
   */
  private int readLine() throws IOException {
    int n = 0;
    int b;
    boolean any = false;
    while ((b = in.read()) >= 0) {
      any = true;
      if (b == '\n') {
        break;
      }
      if (n < line.length) {
        line[n] = (byte) b;
      }
      n++;
    }
    if (!any) {
      return -1;
    }
    if (b < 0) {
      return -1; // connection closed mid-line: drop it
    }
    int len = Math.min(n, line.length);
    if (len > 0 && line[len - 1] == '\r') {
      n--;
    }
    return n;
  }
}
