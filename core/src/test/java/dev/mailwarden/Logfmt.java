package dev.mailwarden;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A strict logfmt reader for tests: key=value pairs, values bare or quoted with escapes. */
final class Logfmt {
  private Logfmt() {}

  /** The pairs of one line, in order (keys may repeat); throws on anything malformed. */
  static List<Map.Entry<String, String>> parse(String line) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      int eq = line.indexOf('=', i);
      if (eq <= i) {
        throw new IllegalArgumentException("no key at " + i + ": " + line);
      }
      String key = line.substring(i, eq);
      if (key.contains(" ") || key.contains("\"")) {
        throw new IllegalArgumentException("bad key '" + key + "'");
      }
      i = eq + 1;
      StringBuilder v = new StringBuilder();
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("unterminated quote: " + line);
          }
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = line.charAt(i++);
            switch (e) {
              case 'n' -> v.append('\n');
              case 'r' -> v.append('\r');
              case 't' -> v.append('\t');
              case '"' -> v.append('"');
              case '\\' -> v.append('\\');
              case 'u' -> {
                v.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                i += 4;
              }
              default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
          } else {
            v.append(c);
          }
        }
      } else {
        while (i < n && line.charAt(i) != ' ') {
          char c = line.charAt(i++);
          if (c == '"' || c == '=') {
            throw new IllegalArgumentException("unquoted " + c + " in value of " + key);
          }
          v.append(c);
        }
      }
      out.add(new SimpleEntry<>(key, v.toString()));
      if (i < n) {
        if (line.charAt(i) != ' ') {
          throw new IllegalArgumentException("no space after value of " + key + ": " + line);
        }
        i++;
      }
    }
    return out;
  }

  static List<String> keys(String line) {
    return parse(line).stream().map(Map.Entry::getKey).toList();
  }

  static String value(String line, String key) {
    return parse(line).stream()
        .filter(e -> e.getKey().equals(key))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no key " + key + " in " + line));
  }
}
