package dev.mailwarden;

import static java.util.Objects.requireNonNull;

/**
 * The typed identity of a checker within one {@link MailWarden}: lets a checker await another's
 * result with its real type ({@code ctx.await(Spf.KEY)} gives a {@code SpfResult}).
 *
 * <p>Keys compare by identity: define each as a constant.
 */
public final class CheckKey<R extends CheckResult> {
  private final String name;
  private final Class<R> type;

  private CheckKey(String name, Class<R> type) {
    this.name = requireNonNull(name, "name");
    this.type = requireNonNull(type, "type");
    if (name.isBlank()) {
      throw new IllegalArgumentException("check key name must not be blank");
    }
  }

  /** A new key; {@code name} is what logs and reports show (e.g. {@code "spf"}). */
  public static <R extends CheckResult> CheckKey<R> of(String name, Class<R> type) {
    return new CheckKey<>(name, type);
  }

  public String name() {
    return name;
  }

  public Class<R> type() {
    return type;
  }

  @Override
  public String toString() {
    return "CheckKey[" + name + ": " + type.getSimpleName() + "]";
  }
}
